// ExpressionError: a mistake in an expression, at a character offset inside its text.

/// Why an expression cannot be compiled, and where: `offset` counts characters from the start of the
/// expression's text (the manifest turns it into a line and column inside the YAML string).
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let message: String

    public init(_ offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "column \(offset + 1) of the expression: \(message)" }
}
