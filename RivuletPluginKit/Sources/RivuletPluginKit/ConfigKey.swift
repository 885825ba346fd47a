// ConfigKey: a configuration key an operator declares (shown by `rivulet plugins inspect`, checked by the host).

/// A configuration key an operator accepts. The host refuses a manifest that lacks a required one; the
/// type is documentation (`rivulet plugins inspect`): read values with `context.configuration`.
public struct ConfigKey: Sendable {
    public let name: String
    public let description: String
    public let type: FieldKind
    public let required: Bool

    public init(_ name: String, _ description: String, type: FieldKind = .string, required: Bool = false) {
        self.name = name
        self.description = description
        self.type = type
        self.required = required
    }
}
