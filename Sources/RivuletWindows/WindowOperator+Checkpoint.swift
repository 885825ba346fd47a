// WindowOperator+Checkpoint: saving and restoring a window operator's state (aligned checkpoints).
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// What a checkpoint of a window operator holds (docs/WINDOWS.md, "Checkpoints"):
///
/// - operator state: the format (u8 1); the configuration it was taken with (kind u8 and its two sizes,
///   grace, mode u8, whether it has a key field and its type, each aggregate's accumulator size and result
///   type: a checkpoint restores only into the same configuration); the key groups' max parallelism; the
///   watermark, the last watermark passed downstream, `windowsFired`, `lateRecords` and the result
///   position (benchmarks' latency stamps);
/// - one keyed entry per key with open windows, in the key group of the hash partitioned edges route the
///   key's records by: the key (type u32, length-prefixed bytes), its number of windows and panes (u32),
///   then per window, ordered by (pane, start, end): start, end (i64), flags (u8: 1 emitted in `update`
///   mode, 2 a sliding-window pane) and each aggregate's accumulator (`WindowAggregate.snapshot`).
///
/// Everything else is derived on restore: the fire queue (each window fires at end − 1 + grace, each
/// pane is freed at its time + size − 1 + grace), the per-kind indexes (aligned windows by start, a key's
/// sessions, panes and sliding windows by time). Key ids and accumulator slots are not saved: no output
/// depends on them (windows due together fire in (end, start, key) order, a total order), so a restored
/// operator emits exactly what the uninterrupted one would have.
extension WindowOperator: CheckpointedOperator {
    static let stateFormat: UInt8 = 1

    /// The instance-wide part of a snapshot, as read back.
    struct InstanceState {
        var watermark: Int64
        var propagated: Int64
        var windowsFired: Int
        var lateRecords: Int
        var resultPosition: (partition: Int32, offset: Int64)
    }

    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        writeConfiguration(into: &snapshot.operatorState)
        snapshot.operatorState.write(watermark)
        snapshot.operatorState.write(propagated)
        snapshot.operatorState.write(windowsFired)
        snapshot.operatorState.write(lateRecords)
        snapshot.operatorState.write(Int64(resultPosition.partition))
        snapshot.operatorState.write(resultPosition.offset)

        // The live windows and panes grouped by key id (a counting sort: one pass to count, one to place).
        let keyCount = keyEntries.count
        var first = [Int](repeating: 0, count: keyCount + 1)
        for i in 0..<entries.count where entries[i].live { first[Int(entries[i].key) + 1] += 1 }
        for k in 0..<keyCount { first[k + 1] += first[k] }
        var order = [Int32](repeating: 0, count: first[keyCount])
        var next = first
        for i in 0..<entries.count where entries[i].live {
            let k = Int(entries[i].key)
            order[next[k]] = Int32(i)
            next[k] += 1
        }
        // Room for every entry at once (plain accumulators, keys of up to 20 bytes; appends grow it if not).
        snapshot.reserveKeyed(bytes: keyCount * 36 + order.count * (17 + slab.stride))
        for k in 0..<keyCount where first[k + 1] > first[k] {
            let range = first[k]..<first[k + 1]
            if range.count > 1 {
                // Saved in an order of their own, not of slots: equal state gives equal bytes.
                order[range].sort { a, b in
                    let x = entries[Int(a)], y = entries[Int(b)]
                    if x.isPane != y.isPane { return !x.isPane }
                    return x.start != y.start ? x.start < y.start : x.end < y.end
                }
            }
            let key = Int32(k)
            let keyBytes = keys.bytes(of: key)
            try snapshot.addKeyed(group: keyGroups.group(ofHash: routingHash(of: key))) { w in
                w.write(keys.type(of: key))
                w.write(bytes: UnsafeRawBufferPointer(keyBytes))
                w.write(UInt32(range.count))
                for e in order[range] {
                    let entry = entries[Int(e)]
                    var header = (
                        UInt64(bitPattern: entry.start).littleEndian, UInt64(bitPattern: entry.end).littleEndian,
                        UInt8((entry.emitted ? 1 : 0) | (entry.isPane ? 2 : 0))
                    )
                    withUnsafeBytes(of: &header) { w.append(raw: UnsafeRawBufferPointer(rebasing: $0[0..<17])) }
                    let acc = slab.pointer(e)
                    for (a, aggregate) in aggregates.enumerated() { try aggregate.snapshot(acc + offsets[a], into: &w) }
                }
            }
        }
    }

    /// Restores into a fresh operator (before its first record). After rescaling (`restore.isRescaled`),
    /// the old instances' states merge: the watermark and the watermark passed downstream are the
    /// smallest of theirs (a larger one would turn records late that an old instance still accepted; the
    /// next record's watermark raises it anyway); the counters' sums go to instance 0 and the others start
    /// at 0, so the sum over the instances — what the run summary reports — stays right.
    public func restoreState(from restore: OperatorRestore) throws {
        precondition(keys.liveCount == 0 && slab.inUse == 0 && watermark == .min, "\(name): a window operator restores before its first record")
        guard restore.keyGroups == keyGroups else {
            throw SnapshotCorrupt(
                name, "checkpoint of max parallelism \(restore.keyGroups.maxParallelism), operator of \(keyGroups.maxParallelism)")
        }
        var states: [InstanceState] = []
        for var reader in restore.operatorStates { states.append(try readInstanceState(&reader)) }
        guard let own = states.first else { throw SnapshotCorrupt(name, "no operator state to restore") }
        if restore.isRescaled {
            watermark = states.map(\.watermark).min()!
            propagated = states.map(\.propagated).min()!
            windowsFired = restore.instance == 0 ? states.reduce(0) { $0 &+ $1.windowsFired } : 0
            lateRecords = restore.instance == 0 ? states.reduce(0) { $0 &+ $1.lateRecords } : 0
            resultPosition = (-1, -1)
        } else {
            watermark = own.watermark
            propagated = own.propagated
            windowsFired = own.windowsFired
            lateRecords = own.lateRecords
            resultPosition = own.resultPosition
        }
        emissionWatermark = watermark
        if case .tumbling = kind { aligned.reserveCapacity(restore.keyedEntryCount) }
        try restore.forEachKeyed { group, reader in try restoreKey(group: group, from: &reader) }
    }

    // MARK: Operator state

    private func writeConfiguration(into w: inout SnapshotWriter) {
        w.write(Self.stateFormat)
        let (tag, a, b): (UInt8, Int64, Int64) =
            switch kind {
            case .tumbling(let size): (0, size, 0)
            case .hopping(let size, let advance): (1, size, advance)
            case .sliding(let size): (2, size, 0)
            case .session(let gap): (3, gap, 0)
            }
        w.write(tag)
        w.write(a)
        w.write(b)
        w.write(grace)
        w.write(UInt8(mode == .final ? 0 : 1))
        w.write(grouping.field != nil)
        w.write(grouping.type.rawValue)
        w.write(UInt32(aggregates.count))
        for aggregate in aggregates {
            w.write(UInt32(aggregate.size))
            w.write(aggregate.resultType.rawValue)
        }
        w.write(keyGroups.maxParallelism)
    }

    /// Reads one old instance's operator state, checking it was taken with this configuration.
    private func readInstanceState(_ r: inout SnapshotReader) throws -> InstanceState {
        let format = try r.readUInt8()
        guard format == Self.stateFormat else {
            throw SnapshotCorrupt(r.name, "window state format \(format); this build reads format \(Self.stateFormat)")
        }
        var mine = SnapshotWriter()
        writeConfiguration(into: &mine)
        let saved = try r.readRaw(count: mine.bytes.count - 1, "the window configuration")
        guard saved == Array(mine.bytes.dropFirst()) else {
            throw SnapshotCorrupt(
                r.name, "the checkpoint is of a window operator configured differently (kind, grace, emit, key or aggregates changed)")
        }
        let watermark = try r.readInt64()
        let propagated = try r.readInt64()
        let fired = try r.readInt(in: 0...Int.max, "windows fired")
        let late = try r.readInt(in: 0...Int.max, "late records")
        let partition = try r.readInt(in: Int(Int32.min)...Int(Int32.max), "a result partition")
        let offset = try r.readInt64()
        try r.expectEnd()
        return InstanceState(
            watermark: watermark, propagated: propagated, windowsFired: fired, lateRecords: late, resultPosition: (Int32(partition), offset))
    }

    // MARK: Keyed state

    /// The hash partitioned edges route key `k`'s records by (`PartitionedEdge.keyHash` of a field holding
    /// the key's value), so the key's state is saved in the key group whose instance receives its records.
    /// Without `key_by` (a single instance): the hash of no bytes.
    func routingHash(of k: Int32) -> UInt64 {
        guard grouping.field != nil else { return PartitionedEdge.hash(nil, count: 0) }
        let bytes = keys.bytes(of: k)
        var f = rv_field()
        f.type = keys.type(of: k)
        if FieldType(rawValue: f.type)?.isBytesLike == true {
            f.value.ptr = bytes.baseAddress
            f.len = UInt32(bytes.count)
        } else if f.type != FieldType.null.rawValue, bytes.count == 8 {
            let ordered = UInt64(bigEndian: UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(as: UInt64.self))
            f.value.i64 = WindowGrouping.value(ofOrderedBits: ordered, type: f.type)
        }
        return withUnsafePointer(to: &f) { field in
            var r = rv_record()
            r.fields = field
            r.field_count = 1
            return withUnsafePointer(to: &r) { PartitionedEdge.keyHash(of: $0, field: 0)! }
        }
    }

    /// Restores one key's windows and panes, re-queueing each and indexing it for its kind.
    private func restoreKey(group: Int, from r: inout SnapshotReader) throws {
        let name = r.name
        let type = try r.readUInt32()
        guard let fieldType = FieldType(rawValue: type) else { throw SnapshotCorrupt(name, "a key of unknown type \(type)") }
        let k: Int32 = try r.withBytes { b in
            let valid =
                grouping.field == nil
                ? type == 0 && b.count == 0
                : fieldType.isBytesLike || (fieldType == .null ? b.count == 0 : b.count == 8)
            guard valid else { throw SnapshotCorrupt(name, "a key of \(b.count) bytes of type \(fieldType) does not fit the operator's key") }
            return keys.id(b.baseAddress?.assumingMemoryBound(to: UInt8.self), b.count, type: type)
        }
        ensureKey(k)
        guard keyEntries[Int(k)] == 0 else { throw SnapshotCorrupt(r.name, "a key is saved twice") }
        let hashed = keyGroups.group(ofHash: routingHash(of: k))
        guard hashed == group else { throw SnapshotCorrupt(r.name, "a key saved in key group \(group) belongs to key group \(hashed)") }
        let count = Int(try r.readUInt32())
        guard count > 0, count <= r.remaining / 17 else { throw SnapshotCorrupt(r.name, "a key with \(count) windows") }
        for _ in 0..<count {
            let start = try r.readInt64()
            let end = try r.readInt64()
            let flags = try r.readUInt8()
            let isPane = flags & 2 != 0
            guard flags & ~3 == 0, fits(start: start, end: end, isPane: isPane) else {
                throw SnapshotCorrupt(r.name, "a \(isPane ? "pane" : "window") [\(start), \(end)) (flags \(flags)) does not fit \(kind.name) windows")
            }
            let e = try newWindow(key: k, start: start, end: end, queued: !isPane)
            entries[Int(e)].emitted = flags & 1 != 0
            let acc = slab.pointer(e)
            for (a, aggregate) in aggregates.enumerated() { try aggregate.restore(acc + offsets[a], from: &r) }
            switch kind {
            case .tumbling, .hopping:
                let id = AlignedWindowID(key: k, start: start)
                guard aligned.updateValue(e, forKey: id) == nil else { throw SnapshotCorrupt(r.name, "a window [\(start), \(end)) is saved twice") }
            case .session:
                sessions[Int(k)].append(e)
            case .sliding(let size):
                if isPane {
                    schedule(e, at: start &+ size &- 1 &+ grace)
                    panes[Int(k)].append((start, e))
                } else {
                    slidingWindows[Int(k)].append((end &- 1, e))
                }
            }
        }
        try r.expectEnd()
        if case .sliding = kind {
            // Saved by start: panes and windows are each in time order already; equal times are corrupt.
            for list in [panes[Int(k)], slidingWindows[Int(k)]] where zip(list, list.dropFirst()).contains(where: { $0.time >= $1.time }) {
                throw SnapshotCorrupt(r.name, "a key's sliding windows or panes are not in time order")
            }
        }
    }

    /// Whether a saved window or pane has the bounds its kind gives windows.
    private func fits(start: Int64, end: Int64, isPane: Bool) -> Bool {
        switch kind {
        case .tumbling(let size): !isPane && end == start &+ size && alignedStart(start, size) == start
        case .hopping(let size, let advance): !isPane && end == start &+ size && alignedStart(start, advance) == start
        case .session: !isPane && end > start
        case .sliding(let size): end == start &+ (isPane ? 1 : size)
        }
    }
}

extension WindowOperator: KeyGroupStateOperator {
    /// Adds keys of other key groups to a running operator; its watermark and counters stay its own.
    public func adopt(_ restore: OperatorRestore, group: Int) throws {
        guard restore.keyGroups == keyGroups else {
            throw SnapshotCorrupt(name, "state of max parallelism \(restore.keyGroups.maxParallelism), operator of \(keyGroups.maxParallelism)")
        }
        try restore.forEachKeyed { group, reader in try restoreKey(group: group, from: &reader) }
    }

    /// Closes every window and pane of the keys of `groups` without emitting them.
    public func drop(groups: Set<Int>) {
        guard !groups.isEmpty else { return }
        for i in entries.indices where entries[i].live {
            if groups.contains(keyGroups.group(ofHash: routingHash(of: entries[i].key))) { closed(Int32(i)) }
        }
    }
}
