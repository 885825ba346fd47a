// SourceHead: what a source task runs: the source, how its records are timestamped, and its outgoing edges.
import RivuletCore

/// The head of a task that reads a source: batches of up to `batchSize` records, stamped by `time`,
/// handed to `edges`; records whose time cannot be read, and input the source cannot decode, go to
/// `deadLetters`.
public struct SourceHead {
    public let source: RecordSource
    public let time: TimestampAssigner
    public let batchSize: Int
    public internal(set) var edges: [Edge] = []
    public let deadLetters: DeadLetterRoute
    /// A source with per-partition watermarks (Kafka's): each partition's watermark as of every watermark
    /// the source told downstream. An operator hearing watermark W in band has every record read before
    /// it, so the partitions' watermarks at W hold even for a partition none of whose records reached it
    /// (all filtered out): a repartition topic's writer marks them (`KafkaSink.inputWatermarks`).
    public let partitionWatermarks: GroupWatermarkHistory?

    public init(source: RecordSource, time: TimestampAssigner, batchSize: Int, deadLetters: DeadLetterRoute) {
        self.source = source
        self.time = time
        self.batchSize = batchSize
        self.deadLetters = deadLetters
        partitionWatermarks = time.partitions == nil ? nil : GroupWatermarkHistory()
    }
}
