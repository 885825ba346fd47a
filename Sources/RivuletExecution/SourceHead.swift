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

    public init(source: RecordSource, time: TimestampAssigner, batchSize: Int, deadLetters: DeadLetterRoute) {
        self.source = source
        self.time = time
        self.batchSize = batchSize
        self.deadLetters = deadLetters
    }
}
