// ExpressionToken: one token of an expression, with its character offset.

/// A token of the expression language (docs/EXPRESSIONS.md).
public struct ExpressionToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case integer(Int64)
        /// 9223372036854775808: only valid after a minus sign (it makes i64's smallest value).
        case smallestMagnitude
        case float(Double)
        /// An integer with a unit (`5m`, `100ms`): milliseconds.
        case duration(Int64)
        case string(String)
        /// A name: a word (letters, digits, `_`, `.` between parts) or a `backquoted` one.
        case name(String, quoted: Bool)
        /// An operator or punctuation: `+ - * / % ( ) , == != <> < <= > >= = ||`.
        case symbol(String)
        case end
    }

    public let kind: Kind
    /// Characters from the start of the expression.
    public let offset: Int
}
