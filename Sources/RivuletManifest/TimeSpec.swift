// TimeSpec: how a source stamps its records' time and generates watermarks (`time:` of a source).

/// Which clock a source's record timestamps come from, and how far behind its watermark follows.
public struct TimeSpec: Sendable, Hashable {
    /// Where a record's timestamp comes from.
    public enum Kind: Sendable, Hashable {
        /// Event time: a field of the record, in `format`.
        case event(field: String, format: TimeFormat)
        /// Event time computed by a plugin's scalar function from the record's fields `arguments`.
        case extractor(plugin: String, function: String, arguments: [String])
        /// Log-append time: when the source received the record (a Kafka source: the broker's timestamp).
        case logAppend
        /// Processing time: the host's clock when the record is read.
        case processing
        /// A Kafka source: the timestamp each Kafka record carries (CreateTime or LogAppendTime, as the
        /// topic is configured).
        case kafka
    }

    public var kind: Kind
    /// Bounded out-of-orderness (ms): the watermark is the largest timestamp seen minus this.
    public var maxOutOfOrder: Int64
    /// After this long (ms of processing time) without any element, an input is idle and no longer holds
    /// back the watermark of the operators it feeds; nil: never idle.
    public var idleTimeout: Int64?
    /// Where `time:` is written.
    public var location: SourceLocation

    public init(kind: Kind, maxOutOfOrder: Int64 = 0, idleTimeout: Int64? = nil, location: SourceLocation) {
        self.kind = kind
        self.maxOutOfOrder = maxOutOfOrder
        self.idleTimeout = idleTimeout
        self.location = location
    }
}
