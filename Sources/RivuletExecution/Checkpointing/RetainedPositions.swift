// RetainedPositions: the input positions an operator still held at each checkpoint, per input port.
import Synchronization

/// Records an operator took but had not finished with when a checkpoint's barrier passed it (a join's
/// records waiting for the other input's watermark): per input port, the smallest offset per source
/// partition. A source that commits its position to an external system (Kafka) commits no further than
/// these, so a run that restarts without the operator's state (Kafka applications rebuild state from
/// topics, not local checkpoints) reads them again instead of losing them. Written on the operator's
/// thread, read on the coordinator's.
public final class RetainedPositions: Sendable {
    private let saved = Mutex<[UInt64: [Int: [Int32: Int64]]]>([:])
    /// Checkpoints kept (one completes at a time; older ones are abandoned or done).
    static let kept = 16

    public init() {}

    /// At checkpoint `id`: the smallest offset per partition still held, per input port.
    public func record(checkpoint id: UInt64, _ positions: [Int: [Int32: Int64]]) {
        saved.withLock { saved in
            saved[id] = positions
            if saved.count > Self.kept { saved = saved.filter { $0.key + UInt64(Self.kept) > id } }
        }
    }

    /// What was held at checkpoint `id` on `port` (nothing if it did not record that checkpoint).
    public func held(atCheckpoint id: UInt64, port: Int) -> [Int32: Int64] {
        saved.withLock { $0[id]?[port] ?? [:] }
    }
}
