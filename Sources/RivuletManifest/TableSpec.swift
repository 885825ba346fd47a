// TableSpec: a table operator: the changelog's key field and where the table is kept.

/// Materializes its input changelog into a table keyed by `key` and emits the table's stream of changes.
public struct TableSpec: Sendable, Hashable {
    public var key: String
    /// The store the table lives in (default: in memory).
    public var store: String?

    public init(key: String, store: String?) {
        self.key = key
        self.store = store
    }
}
