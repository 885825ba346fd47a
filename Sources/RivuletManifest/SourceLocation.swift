// SourceLocation: where in a manifest (or in a `--set` override) something was written.

/// A 1-based position in a manifest file, used to locate every error and every declaration.
///
/// Values that come from an override (`--set sources.x.path=…`) are located in a pseudo-file named
/// after the override (`--set sources.x.path`), at line 1, column 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The manifest path as it was given (or the override's pseudo-file name).
    public var file: String
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1, counted in Unicode scalars.
    public var column: Int

    /// Creates a location; `line` and `column` are 1-based.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and terminals recognise.
    public var description: String { "\(file):\(line):\(column)" }
}
