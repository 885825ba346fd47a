// PartitionWatermarks: a source's watermark as the minimum over its partitions, idle ones excluded.

/// Flink's per-partition watermarks: each partition (a Kafka partition the source is assigned) keeps
/// the largest time read from it; the source's watermark is the smallest of them minus the bound, so
/// partitions read in turn (one far ahead, one behind) do not make the slower one's records late. A
/// partition assigned but not yet read holds the watermark back, until it has been silent for
/// `idleTimeout` ms (counted, after the whole source was silent that long, from its next record of any
/// partition); an idle partition counts again from its next record. A partition with records
/// known to be waiting (`hasUnread`: fetched, or on the broker past what was read) is never idle, however
/// long it has been silent: idleness is for partitions with nothing to read, not for those read in turn.
/// The watermark never goes back. Used by its source's thread only.
public final class PartitionWatermarks {
    private struct Entry {
        var maxTimestamp = Int64.min
        var lastActive: Int64
    }

    public let bound: Int64
    public let idleTimeout: Int64?
    /// Whether records of a partition are known to be waiting (a Kafka source: its consumer has fetched,
    /// or the broker reported, records past those read). Asked only of partitions silent for `idleTimeout`.
    public var hasUnread: ((Int32) -> Bool)?
    /// When the last record of any partition was read (`Int64.min`: none yet).
    private var lastRecord = Int64.min
    /// `hasUnread`'s answers since the last `refresh` (asked once a batch, not once a record).
    private var unreadAsked: [Int32: Bool] = [:]
    private var entries: [Int32: Entry] = [:]
    /// The smallest largest-time over the partitions that count (`Int64.min`: one has read nothing yet).
    private var lowest = Int64.min
    /// The watermark: `lowest − bound`, never decreasing.
    public private(set) var watermark = Int64.min

    public init(bound: Int64, idleTimeout: Int64?) {
        self.bound = max(0, bound)
        self.idleTimeout = idleTimeout
    }

    /// The partitions tracked now.
    public var partitions: [Int32] { entries.keys.sorted() }

    /// Each partition held that has been read: its own watermark (its largest time minus the bound).
    public var partitionWatermarks: [Int: Int64] {
        var result: [Int: Int64] = [:]
        for (p, entry) in entries where entry.maxTimestamp != .min { result[Int(p)] = entry.maxTimestamp - bound }
        return result
    }

    /// The largest time read from `partition` (nil: not tracked; `Int64.min`: nothing read yet).
    public func maxTimestamp(of partition: Int32) -> Int64? { entries[partition]?.maxTimestamp }

    /// `partitions` now belong to the source: each holds the watermark back until it is read or idle.
    /// `maxTimestamps` continues partitions whose largest time is known (a restore).
    public func assign(_ partitions: [Int32], maxTimestamps: [Int32: Int64] = [:], now: Int64) {
        for p in partitions where entries[p] == nil {
            entries[p] = Entry(maxTimestamp: maxTimestamps[p] ?? .min, lastActive: now)
        }
        recompute(now: now)
    }

    /// `partitions` were taken away: they no longer hold the watermark back.
    public func revoke(_ partitions: [Int32], now: Int64) {
        for p in partitions { entries[p] = nil }
        recompute(now: now)
    }

    /// Partitions silent for `idleTimeout` stop counting (call once per batch, before its records).
    public func refresh(now: Int64) {
        guard idleTimeout != nil else { return }
        unreadAsked.removeAll(keepingCapacity: true)
        recompute(now: now)
    }

    /// A record of `partition` with time `t` was read at `now` (a partition not assigned explicitly is
    /// tracked from its first record). After the whole source was silent for `idleTimeout` (producers
    /// paused, or nothing written yet), the first record restarts every partition's silence: the others
    /// get `idleTimeout` to show their records too, instead of being idle already — their records, fetched
    /// a moment later, would otherwise be late behind the first partition's.
    @inline(__always)
    public func observe(_ partition: Int32, _ t: Int64, now: Int64) {
        if let idleTimeout, lastRecord == .min || now - lastRecord >= idleTimeout {
            for p in entries.keys { entries[p]!.lastActive = now }
            unreadAsked.removeAll(keepingCapacity: true)
        }
        lastRecord = now
        guard var entry = entries[partition] else {
            entries[partition] = Entry(maxTimestamp: t, lastActive: now)
            recompute(now: now)
            return
        }
        let wasIdle = isSilent(entry, now: now)
        let old = entry.maxTimestamp
        entry.lastActive = now
        if t > old { entry.maxTimestamp = t }
        entries[partition] = entry
        if wasIdle || (t > old && old <= lowest) { recompute(now: now) }
    }

    /// Whether `partition` is held and has been silent for `idleTimeout` at `now` (it no longer holds the
    /// watermark back).
    public func isIdle(_ partition: Int32, now: Int64) -> Bool {
        entries[partition].map { isIdle(partition, $0, now: now) } ?? false
    }

    private func isIdle(_ partition: Int32, _ entry: Entry, now: Int64) -> Bool {
        guard isSilent(entry, now: now) else { return false }
        guard let hasUnread else { return true }
        if let known = unreadAsked[partition] { return !known }
        let unread = hasUnread(partition)
        unreadAsked[partition] = unread
        return !unread
    }

    /// No record for `idleTimeout` ms.
    private func isSilent(_ entry: Entry, now: Int64) -> Bool {
        guard let idleTimeout else { return false }
        return now - entry.lastActive >= idleTimeout
    }

    private func recompute(now: Int64) {
        var counted: Int64?
        var read: Int64?
        for (partition, entry) in entries {
            if entry.maxTimestamp != .min { read = min(read ?? .max, entry.maxTimestamp) }
            if !isIdle(partition, entry, now: now) { counted = min(counted ?? .max, entry.maxTimestamp) }
        }
        // Every partition idle — nothing to read anywhere: as far as the partitions read have come (one
        // never read does not hold it back); none read, or none assigned: it stays where it is.
        guard let m = counted ?? read else { return }
        lowest = m
        if m != .min && m - bound > watermark { watermark = m - bound }
    }
}
