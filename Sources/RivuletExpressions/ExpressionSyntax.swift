// ExpressionSyntax: the parsed form of an expression, each node with the offset it starts at.

/// An expression as written, before names and types are resolved.
public indirect enum ExpressionSyntax: Sendable {
    case integer(Int64, at: Int)
    case float(Double, at: Int)
    case string(String, at: Int)
    case bool(Bool, at: Int)
    case null(at: Int)
    case field(String, at: Int)
    /// A unary operator: `-` or `not`.
    case unary(String, ExpressionSyntax, at: Int)
    /// A binary operator (`+`, `==`, `and`, `||`, …), at the operator.
    case binary(String, ExpressionSyntax, ExpressionSyntax, at: Int)
    /// `x is null` (`negated`: `is not null`).
    case isNull(ExpressionSyntax, negated: Bool, at: Int)
    /// `x in (a, b)` (`negated`: `not in`).
    case isIn(ExpressionSyntax, [ExpressionSyntax], negated: Bool, at: Int)
    /// A function call (`if`, `coalesce` too), at its name.
    case call(String, [ExpressionSyntax], at: Int)
    /// `case when c then v … [else e] end`.
    case caseWhen([(ExpressionSyntax, ExpressionSyntax)], otherwise: ExpressionSyntax?, at: Int)

    /// Where the node starts.
    public var offset: Int {
        switch self {
        case .integer(_, let at), .float(_, let at), .string(_, let at), .bool(_, let at), .null(let at), .field(_, let at),
            .unary(_, _, let at), .isNull(_, _, let at), .isIn(_, _, _, let at), .call(_, _, let at), .caseWhen(_, _, let at):
            at
        case .binary(_, let left, _, _): left.offset
        }
    }
}
