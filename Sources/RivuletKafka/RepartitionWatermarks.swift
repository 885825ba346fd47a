// RepartitionWatermarks: a repartition topic reader's watermarks: per partition of the topic, from markers.
import RivuletCore

/// Per partition of a repartition topic it holds, the watermark its writers' markers give (over every
/// input partition of the application: `PartitionWatermarks` with a bound of 0, each input partition
/// holding it back until reported); the reader's watermark is the smallest over the partitions it holds,
/// never decreasing. A partition's own watermark (`watermark(of:)`) is what a per-partition operator
/// instance runs on (`PerGroupOperator`).
public final class RepartitionWatermarks: WatermarkProvider {
    private let inputs: Int32
    private let idleTimeout: Int64?
    private var partitions: [Int32: PartitionWatermarks] = [:]
    public private(set) var watermark = Int64.min

    /// `inputs`: the number of the application's input partitions.
    public init(inputs: Int32, idleTimeout: Int64?) {
        self.inputs = inputs
        self.idleTimeout = idleTimeout
    }

    private func tracker(_ partition: Int32, now: Int64) -> PartitionWatermarks {
        if let t = partitions[partition] { return t }
        let t = PartitionWatermarks(bound: 0, idleTimeout: idleTimeout)
        t.assign(Array(0..<inputs), now: now)
        partitions[partition] = t
        return t
    }

    /// The reader took `partition`: it holds the watermark back until markers arrive in it.
    public func assign(_ partition: Int32, now: Int64) {
        _ = tracker(partition, now: now)
    }

    public func revoke(_ partition: Int32) {
        partitions[partition] = nil
        recompute()
    }

    /// A marker in `partition`: input partitions `inputs` are complete up to `mark`.
    public func observe(partition: Int32, inputs reported: [Int32], mark: Int64, now: Int64) {
        let t = tracker(partition, now: now)
        for p in reported { t.observe(p, mark, now: now) }
        recompute()
    }

    /// The watermark of one partition of the topic (`Int64.min` if not held).
    public func watermark(of partition: Int32) -> Int64 { partitions[partition]?.watermark ?? .min }

    public func refresh(now: Int64) {
        guard idleTimeout != nil else { return }
        for t in partitions.values { t.refresh(now: now) }
        recompute()
    }

    private func recompute() {
        guard let lowest = partitions.values.map(\.watermark).min(), lowest > watermark else { return }
        watermark = lowest
    }
}
