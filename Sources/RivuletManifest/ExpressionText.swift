// ExpressionText: an expression as written in the manifest, and where each of its characters is.

/// The text of an expression (a `filter`, a `map` field) and where it starts in the file, so an error
/// at a character of the expression is reported at that character's line and column.
public struct ExpressionText: Sendable, Hashable {
    public let text: String
    /// Where the expression's first character is (after an opening quote).
    public let location: SourceLocation

    public init(text: String, location: SourceLocation) {
        self.text = text
        self.location = location
    }

    /// The location of character `offset` of the text (lines counted for a text written over several).
    public func location(at offset: Int) -> SourceLocation {
        var line = location.line, column = location.column
        for (k, c) in text.unicodeScalars.enumerated() {
            if k == offset { break }
            if c == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(file: location.file, line: line, column: column)
    }
}
