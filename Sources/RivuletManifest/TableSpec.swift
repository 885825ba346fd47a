// TableSpec: a table operator: the changelog's key field and where the table is kept.

/// Materializes its input changelog into a table keyed by `key` and emits the table's stream of changes.
public struct TableSpec: Sendable, Hashable {
    public var key: String
    /// The store the table lives in (default: in memory).
    public var store: String?
    /// `table: lower(email)`: the key written as an expression, computed before the table
    /// (`Manifest.insertExpressionNodes`) into a field named as written.
    public var keyExpression: ExpressionText?

    public init(key: String, store: String?) {
        self.key = key
        self.store = store
    }
}
