// SourceLocation: where in a manifest (or in a --set override) something was written.

/// A position in a manifest file, 1-based. Overrides given with `--set` are located at a pseudo-file
/// named after the override (`--set sources.x.path`), line 1, column 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}
