// Edge: the sending end of a connection from an output port (or a source) to one operator input.
import RivuletCore

/// Where an output port's batches, watermarks and end of stream go. Three kinds exist: a `FusedEdge` (a
/// call into the consumer on the sender's thread), a `RingEdge` (an SPSC ring to the consumer's task) and
/// a `PartitionedEdge` (records split by key over the rings of a parallel consumer). Operators never see
/// which kind they talk to: their `OutputPort`s hold edges, and `BatchHandoff` applies the one rule that
/// depends on the kind (who may rewrite a batch in place). Used by the sender's thread only.
public protocol Edge: AnyObject {
    /// For messages, `rivulet describe` and ring metrics ("mask.out -> to_eur.in").
    var name: String { get }
    /// Whether `send` runs the consumer on the caller's thread, returning only when it has processed the
    /// batch: only such an edge may receive a batch marked exclusive (see `BatchHandoff`).
    var isFused: Bool { get }
    /// Hands a batch to the consumer. The batch is immutable from now on unless `BatchHandoff` marked it
    /// exclusive for this call.
    func send(_ batch: RecordBatch) throws
    /// The sender's event-time watermark rose to `watermark`.
    func sendWatermark(_ watermark: Int64) throws
    /// The sender has finished: nothing more comes. A fused edge does nothing (its task finishes the
    /// consumer itself, after the sender); a ring edge tells the consumer's task.
    func sendEndOfStream() throws
    /// Checkpoint `id`'s barrier: everything sent before it belongs to the checkpoint. A fused edge does
    /// nothing (its task saves the whole chain at once); a ring edge passes it to the consumer's task.
    func sendBarrier(_ id: UInt64) throws
}
