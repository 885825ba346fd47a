// WindowSpec: a host window operator: the windows, their grace, emission mode, grouping and aggregates.

/// A window operator: groups records by `keyBy` (or all together), assigns them to windows by event time,
/// and emits one record per key and window with the aggregates' results.
public struct WindowSpec: Sendable, Hashable {
    public var kind: WindowKind
    /// Allowed lateness (ms): a window closes when the watermark reaches end − 1 + grace.
    public var grace: Int64
    public var emit: EmitMode
    /// The field records are grouped by; nil groups all records together.
    public var keyBy: String?
    public var aggregates: [AggregateSpec]

    public init(kind: WindowKind, grace: Int64, emit: EmitMode, keyBy: String?, aggregates: [AggregateSpec]) {
        self.kind = kind
        self.grace = grace
        self.emit = emit
        self.keyBy = keyBy
        self.aggregates = aggregates
    }
}
