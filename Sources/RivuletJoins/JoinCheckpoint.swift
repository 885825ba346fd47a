// JoinCheckpoint: what a join saves in a checkpoint, and how it comes back at the same or another parallelism.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// The layout of a join's snapshot (`docs/JOINS.md`, "Checkpoints").
///
/// Operator state (the instance's own): format version (u8), join kind (u8), whether it finished (bool),
/// the watermark told downstream, the clock, the position results are stamped with (partition u32, offset
/// i64), `TimeSync`'s watermark and next arrival sequence, then the join's own (`saveInstanceState`).
///
/// Keyed entries, each starting with a tag byte, in the key group of the join key they belong to (the
/// hash records are partitioned by: `PartitionedEdge.keyHash(of:field:)` of `left_key` on the left input,
/// `right_key` on the right): tag 0 is a record waiting in `TimeSync` — its input port (u8), arrival
/// sequence, time, partition (u32), offset, op (u32), the watermark before it, key, value (bytes) and every
/// field of its input's schema (bytes, `RowCodec`'s layout); the joins' own tags are theirs.
///
/// Restoring from several old instances (rescaling) merges their operator states: watermarks and the clock
/// take the minimum (nothing is released or expired early; what is released late still comes in order),
/// the arrival sequence the maximum (new records after every restored one), counters go to one new instance
/// each (old instance k's to new instance k mod n), and the join has finished only if every old one had.
enum JoinCheckpoint {
    /// 2: a table–table join's rows end with the time of their change; format 1 (without) is still read.
    static let version: UInt8 = 2
    /// The keyed entry of a record waiting in `TimeSync`.
    static let waitingTag: UInt8 = 0
    /// Join kinds (`JoinOperator.snapshotKind`) and the table operator.
    static let streamTable: UInt8 = 1
    static let tableTable: UInt8 = 2
    static let streamStream: UInt8 = 3
    static let table: UInt8 = 4
    /// The stages of a foreign-key table–table join split between processes.
    static let foreignKeyLeft: UInt8 = 5
    static let foreignKeyRight: UInt8 = 6
    static let foreignKeyResults: UInt8 = 7

    /// "stream_table left" for a join's snapshot kind (its join << 4 | its type's code).
    static func describe(_ code: UInt8) -> String {
        let join =
            [
                streamTable: "stream_table", tableTable: "table_table", streamStream: "stream_stream", foreignKeyLeft: "foreign-key left table",
                foreignKeyRight: "foreign-key right table", foreignKeyResults: "foreign-key table_table",
            ][code >> 4] ?? "unknown (\(code >> 4))"
        let type = JoinKind.allCases.first { $0.checkpointCode == code & 0xF }?.rawValue ?? "unknown (\(code & 0xF))"
        return "\(join) \(type)"
    }

    /// The key group of a key held as its bytes (`RowCodec.key`): the same as the key group of the records
    /// it came from, since `PartitionedEdge.keyHash` hashes the same bytes (a string's, or a number's 8).
    static func group(ofKey key: [UInt8], _ keyGroups: KeyGroups) -> Int {
        keyGroups.group(ofHash: key.withUnsafeBytes { FNV1a.hash($0) })
    }

    /// Checks that a keyed entry of key group `group` belongs there (its key hashes to it).
    static func expect(group: Int, _ expected: Int, in name: String) throws {
        guard group == expected else {
            throw SnapshotCorrupt(
                name, "an entry saved in key group \(group) has a key of key group \(expected) (another max parallelism?)")
        }
    }

    /// Reads a row of `count` fields in `RowCodec`'s layout, checked.
    static func readRow(_ reader: inout SnapshotReader, count: Int, _ what: String) throws -> [UInt8] {
        let row = try reader.readBytes()
        guard row.withUnsafeBytes({ RowCodec.isValid($0, count: count) }) else {
            throw SnapshotCorrupt(reader.name, "\(what) is not a row of \(count) fields")
        }
        return row
    }

    /// Reads an optional row written by `write(optionalRow:)`.
    static func readOptionalRow(_ reader: inout SnapshotReader, count: Int, _ what: String) throws -> [UInt8]? {
        try reader.readBool() ? try readRow(&reader, count: count, what) : nil
    }

    static func write(optionalRow row: [UInt8]?, to writer: inout SnapshotWriter) {
        writer.write(row != nil)
        if let row { writer.write(bytes: row) }
    }

    /// A key as `RowCodec.key` returns it: never empty.
    static func readKey(_ reader: inout SnapshotReader) throws -> [UInt8] {
        let key = try reader.readBytes()
        guard !key.isEmpty else { throw SnapshotCorrupt(reader.name, "an empty key") }
        return key
    }
}

extension JoinOperator: CheckpointedOperator {
    /// Saves the join's state. Whatever it has emitted and not yet flushed goes downstream first (ahead of
    /// the barrier, which follows the snapshot): output is never part of the state.
    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try out.flush()
        try lateLeft.flush()
        try lateRight.flush()
        for port in additionalPorts { try port.flush() }
        retained.record(checkpoint: checkpoint, sync.oldestWaiting())
        snapshot.operatorState.write(JoinCheckpoint.version)
        snapshot.operatorState.write(snapshotKind)
        snapshot.operatorState.write(finished)
        snapshot.operatorState.write(propagated)
        snapshot.operatorState.write(now)
        snapshot.operatorState.write(UInt32(bitPattern: resultPosition.partition))
        snapshot.operatorState.write(resultPosition.offset)
        snapshot.operatorState.write(sync.watermark)
        snapshot.operatorState.write(sync.nextSequence)
        saveInstanceState(into: &snapshot.operatorState)
        try saveWaiting(into: &snapshot)
        try saveKeyedState(into: &snapshot)
    }

    /// Restores a fresh join (before any record) from the snapshots of one or more old instances.
    public func restoreState(from restore: OperatorRestore) throws {
        guard restore.keyGroups == keyGroups else {
            throw SnapshotCorrupt(
                name, "restored with \(restore.keyGroups.maxParallelism) key groups; the join has \(keyGroups.maxParallelism)")
        }
        guard !restore.operatorStates.isEmpty else { throw SnapshotCorrupt(name, "no operator state to restore") }
        var watermark = Int64.max
        var nextSequence = 0
        var allFinished = true
        for (k, saved) in restore.operatorStates.enumerated() {
            var reader = saved
            let version = try reader.readUInt8()
            guard version == JoinCheckpoint.version || version == 1 else {
                throw SnapshotCorrupt(reader.name, "join snapshot format \(version); this build reads 1 and \(JoinCheckpoint.version)")
            }
            restoringFormat = min(restoringFormat, version)
            let kind = try reader.readUInt8()
            guard kind == snapshotKind else {
                throw SnapshotCorrupt(
                    reader.name,
                    "a snapshot of another join (\(JoinCheckpoint.describe(kind))); this one is \(JoinCheckpoint.describe(snapshotKind)): "
                        + "a join restores only into the same join and type")
            }
            let wasFinished = try reader.readBool()
            let savedPropagated = try reader.readInt64()
            let savedNow = try reader.readInt64()
            let partition = Int32(bitPattern: try reader.readUInt32())
            let offset = try reader.readInt64()
            let savedWatermark = try reader.readInt64()
            let savedSequence = try reader.readInt(in: 0...Int.max, "the next arrival sequence")
            let keep = !restore.isRescaled || k % restore.parallelism == restore.instance
            try restoreInstanceState(from: &reader, keepCounters: keep)
            try reader.expectEnd()
            if k == 0 {
                propagated = savedPropagated
                now = savedNow
                resultPosition = (partition, offset)
            } else {
                propagated = min(propagated, savedPropagated)
                now = min(now, savedNow)
            }
            watermark = min(watermark, savedWatermark)
            nextSequence = max(nextSequence, savedSequence)
            allFinished = allFinished && wasFinished
        }
        finished = allFinished
        sync.restore(watermark: watermark, nextSequence: nextSequence, waiting: try restoreKeyedEntries(restore))
        try didRestoreKeyedState()
    }

    /// Restores the join's keyed entries of `restore`; returns the waiting records, rebuilt.
    private func restoreKeyedEntries(_ restore: OperatorRestore) throws -> [TimeSync.Pending] {
        var waiting: [SavedRecord] = []
        try restore.forEachKeyed { group, reader in
            let tag = try reader.readUInt8()
            if tag == JoinCheckpoint.waitingTag {
                waiting.append(try SavedRecord(&reader, group: group))
            } else {
                try restoreKeyed(tag: tag, group: group, from: &reader)
            }
            try reader.expectEnd()
        }
        return try rebuild(waiting)
    }

    /// The input schemas, by port.
    private var inputSchemas: [Schema] { [lateLeft.schema, lateRight.schema] }

    /// Records waiting in `TimeSync` (received, not yet released): keyed by the join key of their input.
    private func saveWaiting(into snapshot: inout OperatorSnapshot) throws {
        let fields = inputSchemas.map { Array(0..<$0.count) }
        var row: [UInt8] = []
        for p in sync.waiting {
            let record = p.batch.record(at: p.index)
            let r = record.pointee
            RowCodec.encode(record, fields: fields[p.port], into: &row)
            // With a field to hash, keyHash has a hash for every record (a NULL or empty key's too).
            let hash = PartitionedEdge.keyHash(of: record, field: keyFields[p.port]) ?? 0
            snapshot.addKeyed(group: keyGroups.group(ofHash: hash)) { w in
                w.write(JoinCheckpoint.waitingTag)
                w.write(UInt8(p.port))
                w.write(p.sequence)
                w.write(r.timestamp)
                w.write(UInt32(bitPattern: r.partition))
                w.write(r.offset)
                w.write(r.op)
                // Restored at max(timestamp, this): the time it waits at. A late table change waits at its
                // input's watermark when it came (above its timestamp); a record kept by `lateness:
                // operator` waits at its own time though its input's watermark may be past it.
                w.write(p.time > r.timestamp ? p.time : min(p.batch.watermarkBefore(p.index), r.timestamp))
                w.write(bytes: UnsafeRawBufferPointer(start: r.key, count: Int(r.key_len)))
                w.write(bytes: UnsafeRawBufferPointer(start: r.value, count: Int(r.value_len)))
                w.write(bytes: row)
            }
        }
    }

    /// A record read back from a checkpoint, before it is rebuilt in a batch.
    private struct SavedRecord {
        let group: Int
        let port: Int
        let sequence: Int
        let timestamp: Int64
        let partition: Int32
        let offset: Int64
        let op: UInt32
        let watermark: Int64
        let key: [UInt8]
        let value: [UInt8]
        let fields: [UInt8]
        let name: String

        init(_ reader: inout SnapshotReader, group: Int) throws {
            self.group = group
            name = reader.name
            port = Int(try reader.readUInt8())
            guard port == 0 || port == 1 else { throw SnapshotCorrupt(reader.name, "a waiting record of input port \(port)") }
            sequence = try reader.readInt(in: 0...Int.max, "a waiting record's arrival sequence")
            timestamp = try reader.readInt64()
            partition = Int32(bitPattern: try reader.readUInt32())
            offset = try reader.readInt64()
            op = try reader.readUInt32()
            watermark = try reader.readInt64()
            key = try reader.readBytes()
            value = try reader.readBytes()
            fields = try reader.readBytes()
        }
    }

    /// Rebuilds waiting records in one batch per input (fields, key, value, time, position, op and the
    /// watermark before each as they arrived), checking each row and its key group.
    private func rebuild(_ saved: [SavedRecord]) throws -> [TimeSync.Pending] {
        let schemas = inputSchemas
        var batches: [RecordBatch] = []
        for port in 0...1 {
            batches.append(RecordBatch(schema: schemas[port], capacity: max(1, saved.lazy.filter { $0.port == port }.count)))
        }
        var pending: [TimeSync.Pending] = []
        pending.reserveCapacity(saved.count)
        for s in saved {
            let count = schemas[s.port].count
            guard s.fields.withUnsafeBytes({ RowCodec.isValid($0, count: count) }) else {
                throw SnapshotCorrupt(s.name, "a waiting record's fields are not a row of \(count) fields")
            }
            let batch = batches[s.port]
            let i = batch.appendEmpty(timestamp: s.timestamp, partition: s.partition, offset: s.offset)
            s.fields.withUnsafeBytes { RowCodec.decode($0, count: count, into: batch, index: i, first: 0) }
            if !s.key.isEmpty { s.key.withUnsafeBytes { batch.setKey(i, $0.baseAddress, count: $0.count) } }
            if !s.value.isEmpty { s.value.withUnsafeBytes { batch.setValue(i, $0.baseAddress, count: $0.count) } }
            batch.setOp(i, s.op)
            batch.setWatermarkBefore(i, s.watermark)
            let hash = PartitionedEdge.keyHash(of: batch.record(at: i), field: keyFields[s.port]) ?? 0
            try JoinCheckpoint.expect(group: s.group, keyGroups.group(ofHash: hash), in: s.name)
            // A record waits at its own time — or, a late table change taken in order, at its input's
            // watermark when it came (`TimeSync.enqueue`): the later of the two either way.
            pending.append(
                TimeSync.Pending(
                    time: max(s.timestamp, s.watermark), priority: sync.priority[s.port], sequence: s.sequence, batch: batch, index: i,
                    port: s.port))
        }
        return pending
    }
}

/// In a Kafka application a join split by key runs one instance per key group (`KafkaJoinPartitions`,
/// through `PerGroupOperator`), which adopts its group's state from the changelog topic.
extension JoinOperator: KeyGroupStateOperator {
    /// Adds the keyed entries of `restore` (waiting records and the join's own state, all of `group`) to
    /// this instance. Its instance-wide state is not in a changelog: its watermark comes from the
    /// repartition topic's markers, and records restored after those already held arrive later.
    public func adopt(_ restore: OperatorRestore, group: Int) throws {
        guard restore.keyGroups == keyGroups else {
            throw SnapshotCorrupt(name, "adopted with \(restore.keyGroups.maxParallelism) key groups; the join has \(keyGroups.maxParallelism)")
        }
        let restored = try restoreKeyedEntries(restore)
        let next = max(sync.nextSequence, (restored.map(\.sequence).max() ?? -1) + 1)
        sync.restore(watermark: sync.watermark, nextSequence: next, waiting: sync.waiting + restored)
        try didRestoreKeyedState()
    }

    /// Never partial: `PerGroupOperator` closes a join instance with the one group it holds.
    public func drop(groups: Set<Int>) {}
}

extension TableOperator: CheckpointedOperator {
    /// The table's rows are in its store (checkpointed with the stores); the operator saves its counter.
    /// A Kafka application's table (`keyedGroup`) saves its rows too, for its changelog topic.
    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try out.flush()
        snapshot.operatorState.write(JoinCheckpoint.version)
        snapshot.operatorState.write(JoinCheckpoint.table)
        snapshot.operatorState.write(changes)
        if let keyedGroup { try snapshotRows(into: &snapshot, group: keyedGroup) }
    }

    public func restoreState(from restore: OperatorRestore) throws {
        guard !restore.operatorStates.isEmpty else { throw SnapshotCorrupt(name, "no operator state to restore") }
        var total = 0
        for (k, saved) in restore.operatorStates.enumerated() {
            var reader = saved
            let version = try reader.readUInt8()
            guard version == JoinCheckpoint.version || version == 1 else {
                throw SnapshotCorrupt(reader.name, "table snapshot format \(version); this build reads 1 and \(JoinCheckpoint.version)")
            }
            let kind = try reader.readUInt8()
            guard kind == JoinCheckpoint.table else { throw SnapshotCorrupt(reader.name, "not a table operator's snapshot (kind \(kind))") }
            let saved = try reader.readInt(in: 0...Int.max, "the count of changes")
            try reader.expectEnd()
            if !restore.isRescaled || k % restore.parallelism == restore.instance { total += saved }
        }
        try restore.forEachKeyed { group, reader in
            throw SnapshotCorrupt(reader.name, "a table operator saves no keyed entries (one in key group \(group))")
        }
        restoreChanges(total)
    }
}
