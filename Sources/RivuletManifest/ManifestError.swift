// ManifestError: one problem found in a manifest, with its location; ManifestErrors: all of them.

/// One problem in a manifest, located where it was written.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String

    public init(_ location: SourceLocation?, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: error: message`.
    public var description: String {
        if let location { return "\(location): error: \(message)" }
        return "error: \(message)"
    }
}

/// Every problem validation found, in file order. Validation does not stop at the first one.
public struct ManifestErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ManifestError]

    public init(_ errors: [ManifestError]) {
        self.errors = errors.sorted { a, b in
            (a.location?.file ?? "", a.location?.line ?? 0, a.location?.column ?? 0)
                < (b.location?.file ?? "", b.location?.line ?? 0, b.location?.column ?? 0)
        }
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
