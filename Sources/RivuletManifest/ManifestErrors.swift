// ManifestErrors: every problem one load of a manifest found, in reading order.

/// All the errors found while loading a manifest. Loading does not stop at the first problem: it reports
/// everything it can find in one go.
///
/// Order: errors without a location first, then errors in overrides (`--set …`) in the order found, then
/// errors in the file by line and column (ties keep the order they were found in).
public struct ManifestErrors: Error, Sendable, CustomStringConvertible {
    /// The errors, sorted as described above; never empty when thrown by `Manifest`.
    public var errors: [ManifestError]

    /// Wraps `errors`, sorting them into reading order.
    public init(_ errors: [ManifestError]) {
        self.errors = errors.enumerated().sorted { a, b in
            let ka = Self.sortKey(a.element), kb = Self.sortKey(b.element)
            if ka != kb { return ka < kb }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Wraps a single error.
    public init(_ error: ManifestError) {
        self.init([error])
    }

    /// One error per line, each as `file:line:column: error: message`.
    public var description: String { errors.map(\.description).joined(separator: "\n") }

    /// (group, line, column): group 0 has no location, 1 is an override, 2 is the file.
    private static func sortKey(_ error: ManifestError) -> (Int, Int, Int) {
        guard let location = error.location else { return (0, 0, 0) }
        if location.file.hasPrefix("--set ") { return (1, 0, 0) }
        return (2, location.line, location.column)
    }
}
