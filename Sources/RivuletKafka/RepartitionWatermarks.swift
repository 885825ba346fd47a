// RepartitionWatermarks: a repartition topic reader's watermarks: per partition of the topic, from markers.
import RivuletCore

/// Per partition of a repartition topic it holds, the watermark its writers' markers give (over every
/// input partition of the application: `PartitionWatermarks` with a bound of 0, each input partition
/// holding it back until reported); the reader's watermark is the smallest over the partitions it holds,
/// never decreasing. A partition's own watermark (`watermark(of:)`) is what a per-partition operator
/// instance runs on (`PerGroupOperator`).
///
/// A topic written by several writers — a join's two inputs, or the inputs of a window's union — has one
/// side per writer: the input partitions a marker names are numbered `side << 26 | partition` (`inputID`),
/// and each side has its own watermark per partition (`watermark(of:side:)`); a partition's watermark is
/// the smallest of its sides'.
public final class RepartitionWatermarks: WatermarkProvider {
    /// Per side, its input partitions (the numbers its writer's sources give them).
    private let sides: [[Int32]]
    private let idleTimeout: Int64?
    /// Per partition of the topic, one tracker per side.
    private var partitions: [Int32: [PartitionWatermarks]] = [:]
    public private(set) var watermark = Int64.min

    /// Per side, the join input its writer writes (a join's topic: 0 left, 1 right); nil for a window's.
    private let joinInputs: [Int]?

    /// `sides`: per side (writer), the input partitions it marks; each holds the watermark back until
    /// marked. `joinInputs`: per side, the join input it writes.
    public init(sides: [[Int32]], joinInputs: [Int]? = nil, idleTimeout: Int64?) {
        self.sides = sides
        self.joinInputs = joinInputs
        self.idleTimeout = idleTimeout
    }

    /// The number a marker gives input partition `partition` of side `side`: the side in bits 26–30, above
    /// every partition number a source gives (a topic's index < `maximumTopics`, << 20, | its partition); a
    /// record without an input position (partition -1) keeps -1.
    public static func inputID(side: Int, partition: Int32) -> Int32 { partition < 0 ? partition : Int32(side) << 26 | partition }

    /// The most writers one topic can have (sides), and topics one source feeding them can read.
    public static let maximumSides = 32
    public static let maximumTopics = 64

    /// The side and partition number of an `inputID`, or nil for a negative one.
    static func split(_ id: Int32) -> (side: Int, partition: Int32)? {
        id < 0 ? nil : (Int(id >> 26), id & (1 << 26 - 1))
    }

    private func trackers(_ partition: Int32, now: Int64) -> [PartitionWatermarks] {
        if let t = partitions[partition] { return t }
        let t = sides.map { inputs in
            let tracker = PartitionWatermarks(bound: 0, idleTimeout: idleTimeout)
            tracker.assign(inputs, now: now)
            return tracker
        }
        partitions[partition] = t
        return t
    }

    /// The reader took `partition`: it holds the watermark back until markers arrive in it.
    public func assign(_ partition: Int32, now: Int64) {
        _ = trackers(partition, now: now)
    }

    public func revoke(_ partition: Int32) {
        partitions[partition] = nil
        recompute()
    }

    /// A marker in `partition`: input partitions `inputs` (`inputID`s) are complete up to `mark`.
    public func observe(partition: Int32, inputs reported: [Int32], mark: Int64, now: Int64) {
        let t = trackers(partition, now: now)
        for id in reported {
            guard let (side, input) = Self.split(id), side < t.count else { continue }
            t[side].observe(input, mark, now: now)
        }
        recompute()
    }

    /// A record's own mark (`WatermarkMarker.markHeader`): input partition `input` (an `inputID`) is
    /// complete up to `mark`, in `partition`. Per record, so the reader's watermark is recomputed only
    /// when the partition's rises.
    public func observeInline(partition: Int32, input: Int32, mark: Int64, now: Int64) {
        let t = trackers(partition, now: now)
        guard let (side, number) = Self.split(input), side < t.count else { return }
        let before = t[side].watermark
        t[side].observe(number, mark, now: now)
        if t[side].watermark > before { recompute() }
    }

    /// The watermark of one partition of the topic (`Int64.min` if not held): the smallest of its sides'.
    public func watermark(of partition: Int32) -> Int64 { partitions[partition]?.map(\.watermark).min() ?? .min }

    /// The watermark of one join input (0 left, 1 right) in one partition of the topic: the smallest over
    /// the sides (writers) of that input (`Int64.min` if not held).
    public func watermark(of partition: Int32, side input: Int) -> Int64 {
        guard let t = partitions[partition] else { return .min }
        var lowest = Int64.max
        for (side, tracker) in t.enumerated() where (joinInputs?[side] ?? side) == input { lowest = min(lowest, tracker.watermark) }
        return lowest == .max ? .min : lowest
    }

    public func refresh(now: Int64) {
        guard idleTimeout != nil else { return }
        for sides in partitions.values { for t in sides { t.refresh(now: now) } }
        recompute()
    }

    private func recompute() {
        guard !partitions.isEmpty else { return }
        var lowest = Int64.max
        for sides in partitions.values { for t in sides where t.watermark < lowest { lowest = t.watermark } }
        if lowest > watermark { watermark = lowest }
    }
}
