// GroupWatermarkHistory: a per-group operator's group watermarks as of each watermark it told downstream.
import Foundation

/// What a `PerGroupOperator` told downstream, group by group: at each rise of its output watermark W,
/// the watermark each of its groups had then. An operator downstream hears W in band, after every record
/// emitted before it, so the groups' watermarks of the entry at W never run ahead of records it has yet
/// to see — unlike the groups' current watermarks, which another thread moves on. A repartition topic's
/// writer marks each group with them (`KafkaSink.groupWatermarks`): a group just taken over from another
/// process, whose own watermark is behind W, is marked with its own, so its replayed results are not late.
public final class GroupWatermarkHistory: @unchecked Sendable {
    private let lock = NSLock()
    /// Oldest first; at most `capacity` (a reader further behind gets nothing: marks nothing, which is safe).
    private var entries: [(told: Int64, groups: [Int: Int64])] = []
    private let capacity = 1024

    public init() {}

    /// The operator told downstream `told`, its groups being at `groups` (`told` rises from call to call).
    public func record(told: Int64, groups: [Int: Int64]) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count == capacity { entries.removeFirst(capacity / 4) }
        entries.append((told, groups))
    }

    /// The groups' watermarks of the newest entry told at or before `watermark` (nil: none is).
    public func groups(asOf watermark: Int64) -> [Int: Int64]? {
        lock.lock()
        defer { lock.unlock() }
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].told <= watermark { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : entries[low - 1].groups
    }
}

/// An operator split by key that keeps a `GroupWatermarkHistory` of its groups.
public protocol GroupWatermarkReporting {
    var groupWatermarks: GroupWatermarkHistory { get }
}
