// ExpressionFailure: an expression that cannot be evaluated for one record (the record is dead-lettered).

/// Why evaluating an expression failed for a record: a division by zero, an i64 overflow, a value that
/// does not cast. The operator dead-letters the record with the expression and this reason.
public struct ExpressionFailure: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
