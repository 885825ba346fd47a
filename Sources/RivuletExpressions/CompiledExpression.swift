// CompiledExpression: an expression resolved against a schema: its result type and how to evaluate it.
import CRivulet
import RivuletCore

/// Evaluates a compiled expression for one record; string results live in the scratch until its reset.
public typealias Evaluate = (UnsafePointer<rv_record>, ExpressionScratch) throws(ExpressionFailure) -> rv_field

/// An expression compiled once, when the plan is made: every field resolved to its index, every type
/// checked, constants folded. `evaluate` returns a field of type `type`, or NULL (SQL's null rules).
public struct CompiledExpression {
    /// The text as written, for messages.
    public let text: String
    /// The type of its values: i64, f64, bool, string or timestamp (null only for the literal `null`).
    public let type: FieldType
    public let evaluate: Evaluate
    /// The same, a batch at a time.
    let column: ColumnNode

    /// Compiles `text` against `schema` (errors point into `text`).
    public init(_ text: String, schema: Schema) throws(ExpressionError) {
        let syntax = try ExpressionParser.parse(text)
        let typed = try ExpressionCompiler(schema: schema).compile(syntax)
        self.text = text
        type = typed.type
        evaluate = typed.evaluate
        column = typed.column
    }

    /// The values for records `0..<count` of `records` into `out` (strings in `context.scratch`, failed
    /// records NULL, their reasons in `context.failures`). Call `context.begin` first.
    public func evaluate(_ context: ColumnContext, count: Int, into out: UnsafeMutablePointer<rv_field>) {
        column.evaluate(context, context.allRows(count), out)
    }
}
