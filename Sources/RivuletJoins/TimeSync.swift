// TimeSync: two inputs merged into one event-time order: buffer until the watermark passes, then release.
import CRivulet
import HeapModule
import RivuletCore

/// Makes a two-input operator's results independent of how its inputs interleave: records are buffered
/// and handed on in order of (time, input priority, arrival) once the operator's watermark — the minimum
/// over its inputs — has passed them (as Kafka Streams processes records in timestamp order across
/// inputs). A record before its own input's watermark is late: it cannot be ordered any more and
/// goes to the caller's late handler — or, with `latenessByOperatorWatermark` (Flink's
/// `IntervalJoinOperator.isLate`), only a record before the operator's watermark, which depends on how
/// far the other input had got when it came. Used by one thread.
///
/// Ties: with a watermark W (no more records *before* W, as the source's `max − B` means), records at
/// exactly W may still come, so only records strictly before the watermark are released, and a record
/// is late only when it is strictly before its own input's watermark.
final class TimeSync {
    struct Pending: Comparable {
        let time: Int64
        let priority: Int
        let sequence: Int
        let batch: RecordBatch
        let index: Int
        let port: Int

        /// Time, then input priority, then arrival: the merged order.
        static func < (a: Pending, b: Pending) -> Bool {
            if a.time != b.time { return a.time < b.time }
            if a.priority != b.priority { return a.priority < b.priority }
            return a.sequence < b.sequence
        }

        static func == (a: Pending, b: Pending) -> Bool { a.sequence == b.sequence }
    }

    /// Input port → priority on ties (lower first).
    let priority: [Int]
    private var heap = Heap<Pending>()
    private var sequence = 0
    /// The operator's watermark: nothing at or before it will arrive except late records.
    private(set) var watermark = Int64.min
    /// Whether a record is late when it is before the operator's watermark (the minimum over both inputs,
    /// as of its arrival) rather than before its own input's. The operator's watermark never passes its
    /// own input's, so this keeps every record the default keeps, and more while the other input lags;
    /// nothing released is ever out of order, since only records strictly before it have been released.
    var latenessByOperatorWatermark = false

    init(priority: [Int]) {
        self.priority = priority
    }

    var pendingCount: Int { heap.count }

    /// Takes a batch from `port`: late records go to `late`, the rest wait; then releases whatever the
    /// watermark (raised by the records' own, capped by the other input) allows, in order, to `release`.
    func accept(
        _ batch: RecordBatch, port: Int, cap: Int64, late: (Int) throws -> Void,
        release: (Pending) throws -> Void
    ) throws {
        for j in 0..<batch.count {
            let own = batch.watermarkBefore(j)
            let t = batch.record(at: j).pointee.timestamp
            let w = min(own, cap)
            if latenessByOperatorWatermark {
                // The operator's watermark as of this record: its own input's, capped by the other's.
                if w > watermark { watermark = w }
                if watermark != .min && t < watermark {
                    try late(j)
                    continue
                }
            } else if own != .min && t < own {
                try late(j)
                continue
            }
            push(Pending(time: t, priority: priority[port], sequence: sequence, batch: batch, index: j, port: port))
            sequence += 1
            if w > watermark { watermark = w }
        }
        try drain(release)
    }

    /// The operator's watermark rose to `w` (the minimum over its inputs): release what it passed.
    func advance(to w: Int64, release: (Pending) throws -> Void) throws {
        if w > watermark { watermark = w }
        try drain(release)
    }

    private func drain(_ release: (Pending) throws -> Void) throws {
        while let top = heap.min, top.time < watermark {
            try release(heap.removeMin())
        }
    }

    private func push(_ p: Pending) { heap.insert(p) }

    /// Queues record `index` of `batch` (of `port`), late for its own input, in the merged order at time
    /// `time` (its input's watermark when it came, at or after this operator's), without raising the
    /// watermark: a late table change applied from the moment its input had reached.
    func enqueue(_ batch: RecordBatch, index: Int, port: Int, at time: Int64) {
        push(Pending(time: time, priority: priority[port], sequence: sequence, batch: batch, index: index, port: port))
        sequence += 1
    }

    /// The smallest offset per source partition of the records waiting, per input port.
    func oldestWaiting() -> [Int: [Int32: Int64]] {
        var oldest: [Int: [Int32: Int64]] = [:]
        for p in heap.unordered {
            let r = p.batch.record(at: p.index).pointee
            oldest[p.port, default: [:]][r.partition] = min(oldest[p.port]?[r.partition] ?? .max, r.offset)
        }
        return oldest
    }

    // MARK: Checkpoints

    /// The records waiting, in no particular order (the heap's own): their order is (time, priority,
    /// sequence), a total order, so restoring them in any order releases them as they would have been.
    var waiting: [Pending] { heap.unordered }

    /// The sequence the next record will get.
    var nextSequence: Int { sequence }

    /// Puts back what a checkpoint saved (`waiting` rebuilt on fresh batches), before any record arrives.
    func restore(watermark: Int64, nextSequence: Int, waiting: [Pending]) {
        self.watermark = watermark
        sequence = nextSequence
        heap = Heap(waiting)
    }
}
