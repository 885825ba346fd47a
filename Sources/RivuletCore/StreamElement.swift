// StreamElement: what travels through a ring between tasks: record batches and control events, in order.

/// One element of a stream between two tasks. Control events travel in order with the data, so a
/// consumer sees a watermark only after every record sent before it (as Flink's barriers and watermarks).
public enum StreamElement: @unchecked Sendable {
    /// A batch of records (immutable from now on).
    case batch(RecordBatch)
    /// The producer's event time has advanced to this watermark (ms): no record with an earlier
    /// timestamp is expected from it any more, except late ones.
    case watermark(Int64)
    /// A checkpoint barrier: everything before it belongs to checkpoint `id`. (Exactly-once, later.)
    case barrier(UInt64)
    /// The producer has finished: nothing follows.
    case endOfStream
}
