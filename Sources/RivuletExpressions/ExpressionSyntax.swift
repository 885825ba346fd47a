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

extension ExpressionSyntax {
    /// Whether evaluating it reads the record or the clock (else it is a constant).
    var readsRecordOrClock: Bool {
        switch self {
        case .integer, .float, .string, .bool, .null: false
        case .field: true
        case .unary(_, let x, _), .isNull(let x, _, _): x.readsRecordOrClock
        case .binary(_, let a, let b, _): a.readsRecordOrClock || b.readsRecordOrClock
        case .isIn(let x, let items, _, _): x.readsRecordOrClock || items.contains { $0.readsRecordOrClock }
        case .call(let name, let arguments, _): name == "now" || arguments.contains { $0.readsRecordOrClock }
        case .caseWhen(let branches, let otherwise, _):
            branches.contains { $0.0.readsRecordOrClock || $0.1.readsRecordOrClock } || (otherwise?.readsRecordOrClock ?? false)
        }
    }
}
