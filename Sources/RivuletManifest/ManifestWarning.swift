// ManifestWarning: something in a manifest that is allowed but probably unwise, located where it is written.

/// A warning found while loading a manifest: the manifest is valid and runs, but the user should know
/// (a lookup sending its traffic in clear text over the network). Printed as `file:line:column: warning: …`.
public struct ManifestWarning: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String

    public init(_ location: SourceLocation?, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String {
        guard let location else { return "warning: \(message)" }
        return "\(location): warning: \(message)"
    }
}
