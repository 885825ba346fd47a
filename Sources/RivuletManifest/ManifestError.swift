// ManifestError: one problem found in a manifest, with the location of the YAML node at fault.

/// One problem in a manifest (or, later, in planning it), located where it was written.
///
/// The runtime reuses this type for the errors it finds once plugins are loaded, so every error a user
/// sees has the same `file:line:column: error: message` shape.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the offending YAML node is; nil when there is no such place (the file cannot be read).
    public var location: SourceLocation?
    /// What is wrong, in one sentence without a trailing period.
    public var message: String

    /// Creates an error at `location`.
    public init(_ location: SourceLocation?, _ message: String) {
        self.location = location
        self.message = message
    }

    /// Creates an error at `location` (labelled form).
    public init(location: SourceLocation?, message: String) {
        self.init(location, message)
    }

    /// `file:line:column: error: message`, or `error: message` without a location.
    public var description: String {
        guard let location else { return "error: \(message)" }
        return "\(location): error: \(message)"
    }
}
