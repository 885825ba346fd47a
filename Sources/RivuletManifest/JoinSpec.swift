// JoinSpec: a host join operator: which join, which records it keeps, the keys and the window.

/// A join of the records arriving on input ports `left` and `right` (docs/MANIFEST.md#join-operators).
public struct JoinSpec: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Left: a stream; right: a table's changelog. Each stream record meets the table as of its time.
        case streamTable = "stream_table"
        /// Both inputs are tables' changelogs; the result is a changelog.
        case tableTable = "table_table"
        /// Both inputs are streams; records with the same key at most `within` apart are paired.
        case streamStream = "stream_stream"
    }

    public enum Emit: String, Sendable, Hashable, CaseIterable {
        case inner, left, outer
    }

    /// stream_table and table_table: what a table change behind its input's watermark does.
    public enum LateTableChanges: String, Sendable, Hashable, CaseIterable {
        /// Applied to the table at its own time (unless the key's row is newer), for the stream records after it.
        case apply
        /// Sent to `late_right` unapplied.
        case divert
    }

    /// What a record must be behind to be late (and leave through the late ports).
    public enum Lateness: String, Sendable, Hashable, CaseIterable {
        /// Its own input's watermark as of the record: the same results for every interleaving.
        case input
        /// The join's watermark when it came, the minimum over both inputs (Flink's interval join):
        /// keeps more records while the other input lags; which ones depends on how far it had got.
        case `operator`
    }

    public var kind: Kind
    public var emit: Emit
    /// The left input's key field (table_table: the left table's foreign key).
    public var leftKey: String
    /// The right input's key field (a table's primary key).
    public var rightKey: String
    /// `left_key` / `right_key` written as expressions: fields of those names are computed before the
    /// join's inputs (`Manifest.insertExpressionNodes`).
    public var leftKeyExpression: ExpressionText?
    public var rightKeyExpression: ExpressionText?
    /// table_table: the left table's primary key (default: `leftKey`, a primary-key join).
    public var leftPrimaryKey: String?
    /// stream_stream: the largest time difference of a pair (ms).
    public var within: Int64?
    /// stream_stream: how long unmatched records are kept past `within` (ms).
    public var grace: Int64
    /// stream_table: the store holding the table (default: in memory).
    public var store: String?
    /// stream_table and table_table: late table changes applied (the default) or diverted.
    public var lateTableChanges: LateTableChanges
    /// Which watermark a late record is behind: its input's (the default) or the join's.
    public var lateness: Lateness
    /// A stage of a foreign-key join a Kafka application splits between processes (set when the
    /// application's topics are planned, never written in a manifest).
    public var foreignKeyStage: ForeignKeyStage?

    public init(
        kind: Kind, emit: Emit, leftKey: String, rightKey: String, leftPrimaryKey: String? = nil,
        within: Int64? = nil, grace: Int64 = 0, store: String? = nil, lateTableChanges: LateTableChanges = .apply,
        lateness: Lateness = .input
    ) {
        self.lateTableChanges = lateTableChanges
        self.lateness = lateness
        self.kind = kind
        self.emit = emit
        self.leftKey = leftKey
        self.rightKey = rightKey
        self.leftPrimaryKey = leftPrimaryKey
        self.within = within
        self.grace = grace
        self.store = store
    }
}
