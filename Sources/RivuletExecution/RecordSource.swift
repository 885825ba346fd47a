// RecordSource: what a source connector implements: fill the next batch, or say the input has ended.
import RivuletCore

/// A bounded or unbounded producer of records. Called by its task's thread only.
public protocol RecordSource: AnyObject {
    var name: String { get }
    /// The schema of the records it produces.
    var schema: Schema { get }
    /// Appends up to `batch.capacity` records to `batch`. Returns false when the input has ended (the
    /// batch may still hold the last records). Undecodable input is dead-lettered through `deadLetters`.
    func fill(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool
    /// After a stop request: appends records already taken from the input but not yet handed out (a
    /// reader's buffer), without reading more. Returns false when none are left.
    func fillBuffered(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool
    func close()
    /// Where the record at source position `offset` comes from, for messages ("events.csv:12").
    func describe(offset: Int64) -> String
    /// Where the record at `partition` and `offset` comes from ("events[1]@12" for a Kafka topic).
    func describe(partition: Int32, offset: Int64) -> String
}

extension RecordSource {
    public func describe(offset: Int64) -> String { "\(name) record \(offset)" }
    public func describe(partition: Int32, offset: Int64) -> String { describe(offset: offset) }
    /// Sources that buffer nothing beyond the batch they fill have nothing to hand out after a stop.
    public func fillBuffered(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool { false }
}
