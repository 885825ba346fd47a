// WindowSpec: a host window operator: the windows, their grace, emission mode, grouping and aggregates.

/// A window operator: groups records by `keyBy` (or all together), assigns them to windows by event time,
/// and emits one record per key and window with the aggregates' results.
public struct WindowSpec: Sendable, Hashable {
    /// `window:` and its sizes (ms): which windows a record belongs to. The planner turns it into the
    /// window operator's `WindowKind` (RivuletWindows); this module does not depend on the operators.
    public enum Kind: Sendable, Hashable {
        /// `window: tumbling`, `size`.
        case tumbling(size: Int64)
        /// `window: hopping`, `size` and `advance` (size a whole multiple of advance).
        case hopping(size: Int64, advance: Int64)
        /// `window: sliding`, `size`.
        case sliding(size: Int64)
        /// `window: session`, `gap`.
        case session(gap: Int64)
    }

    /// `emit:`: once per window when it closes (`final`, the default) or on every change (`update`). The
    /// planner turns it into the window operator's `EmitMode` (RivuletWindows).
    public enum Emit: String, Sendable, Hashable, CaseIterable {
        case final, update
    }

    public var kind: Kind
    /// Allowed lateness (ms): a window closes when the watermark reaches end − 1 + grace.
    public var grace: Int64
    public var emit: Emit
    /// The field records are grouped by; nil groups all records together.
    public var keyBy: String?
    /// `key_by` written as an expression (`lower(email)`): a field of that name is computed before the
    /// window (`Manifest.insertExpressionNodes`), and `keyBy` names it.
    public var keyByExpression: ExpressionText?
    public var aggregates: [AggregateSpec]

    public init(kind: Kind, grace: Int64, emit: Emit, keyBy: String?, aggregates: [AggregateSpec]) {
        self.kind = kind
        self.grace = grace
        self.emit = emit
        self.keyBy = keyBy
        self.aggregates = aggregates
    }
}
