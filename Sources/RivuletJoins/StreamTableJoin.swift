// StreamTableJoin: each stream record joined with a table's value for its key as of the record's time.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot
import RivuletState

/// Left input: the stream; right input: the table's changelog (upsert by key; a tombstone — every value
/// field NULL/empty, or a delete op — removes the key). In event-time order (table first on equal times)
/// each stream record is joined with the table's current value for `left_key`: inner drops records
/// without one, left emits them with NULL table fields. The table lives in a state store (memory or
/// RocksDB). Output: the stream's fields, then the table's fields but its key and its time field.
/// Checkpoints save the records waiting for the watermark and the counters; the table is in its store,
/// which is checkpointed with the stores — or, when `savesTableRows`, as keyed entries of the join.
public final class StreamTableJoin: JoinOperator {
    let kind: JoinKind
    let leftKey: Int
    let rightKey: Int
    let leftCount: Int
    let rightFields: [Int]
    /// Where the table lives: in memory (1 GB budget) unless the manifest names a store (`store:`).
    public var table: KeyValueStore
    /// Whether checkpoints save the table's rows as keyed entries (a Kafka application's join split by
    /// key: its state, table included, goes to the changelog topic with each checkpoint).
    public var savesTableRows = false
    private var row: [UInt8] = []
    public private(set) var matched = 0
    public private(set) var unmatched = 0

    /// `rightTime`: the table's event-time field, if it has one: the time of an update, not a value of the
    /// table (left out of the output and of the tombstone test). `keyGroups`: how keyed state is split
    /// into key groups in checkpoints (the join keys' hashes).
    public init(
        name: String, kind: JoinKind, left: Schema, right: Schema, leftKey: Int, rightKey: Int, rightTime: Int?,
        batchCapacity: Int, deadLetters: DeadLetterRoute, keyGroups: KeyGroups = KeyGroups()
    ) {
        self.kind = kind
        self.leftKey = leftKey
        self.rightKey = rightKey
        table = MemoryStore(name: "\(name).table", budget: 1 << 30)
        leftCount = left.count
        let joined = JoinOperator.joinedSchema(left: left, right: right, skip: Set([rightKey] + (rightTime.map { [$0] } ?? [])))
        rightFields = joined.rightFields
        super.init(
            name: name, outputSchema: joined.schema, left: left, right: right, rightFirstOnTies: true, batchCapacity: batchCapacity,
            deadLetters: deadLetters, keyFields: [leftKey, rightKey], keyGroups: keyGroups)
    }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        if port == 1 {
            guard let key = RowCodec.key(record, field: rightKey) else {
                try deadLetters.send(
                    record, schema: batch.schema, reason: "table update without a key (\(batch.schema.fields[rightKey].name) is empty)")
                return
            }
            // A late change (taken in order at its table's watermark, after its own time) older than the
            // key's row or delete leaves it as it is.
            if record.pointee.timestamp < now,
                let current = try key.withUnsafeBytes({ try table.get($0) }).map(TableRow.time), current > record.pointee.timestamp
            {
                lateTableChangesSuperseded.add(1)
                return
            }
            try apply(record, key: key)
            return
        }
        let value = try RowCodec.withKey(record, field: leftKey) { try table.get($0) }.flatMap {
            TableRow.isTombstone($0) ? nil : TableRow.fields($0)
        }
        if value == nil {
            unmatched += 1
            if kind == .inner { return }
        } else {
            matched += 1
        }
        let (out, i) = try newOutput(time: record.pointee.timestamp)
        JoinOperator.copyFields(record, count: leftCount, into: out, index: i, first: 0)
        out.setKey(i, record.pointee.key, count: Int(record.pointee.key_len))
        RowCodec.decode(value, count: rightFields.count, into: out, index: i, first: leftCount)
        self.out.didAppend()
    }

    /// Upserts or deletes `key` with `record`, a change at its own time.
    private func apply(_ record: UnsafePointer<rv_record>, key: [UInt8]) throws {
        if RowCodec.isTombstone(record, fields: rightFields) {
            // The key's tombstone keeps the time of the delete (a late change older than it stays out).
            let tombstone = TableRow.tombstone(time: record.pointee.timestamp)
            try key.withUnsafeBytes { k in try tombstone.withUnsafeBytes { try table.put(k, $0) } }
        } else {
            TableRow.encode(record, fields: rightFields, time: record.pointee.timestamp, into: &row)
            try key.withUnsafeBytes { k in try row.withUnsafeBytes { try table.put(k, $0) } }
        }
    }

    override var tablePorts: Set<Int> { [1] }

    override func commitState() throws {
        try table.commit()
    }

    // MARK: Checkpoints

    override var snapshotKind: UInt8 { JoinCheckpoint.streamTable << 4 | kind.checkpointCode }

    override func saveInstanceState(into writer: inout SnapshotWriter) {
        writer.write(matched)
        writer.write(unmatched)
    }

    override func restoreInstanceState(from reader: inout SnapshotReader, keepCounters: Bool) throws {
        let m = try reader.readInt(in: 0...Int.max, "the count of matched records")
        let u = try reader.readInt(in: 0...Int.max, "the count of unmatched records")
        if keepCounters {
            matched += m
            unmatched += u
        }
    }

    /// The keyed entry of a table row (when `savesTableRows`).
    static let tableRowTag: UInt8 = 1

    /// The table's rows as keyed entries, each in its key's group (`savesTableRows` only: otherwise the
    /// table is in its store, checkpointed with the stores).
    override func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {
        guard savesTableRows else { return }
        let rows = try table.scan(from: [], to: nil)
        defer { rows.close() }
        while let (k, v) = rows.next() {
            let key = Array(k)
            snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: key, keyGroups)) { w in
                w.write(Self.tableRowTag)
                w.write(bytes: key)
                w.write(bytes: v)
            }
        }
    }

    override func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        guard tag == Self.tableRowTag else { return try super.restoreKeyed(tag: tag, group: group, from: &reader) }
        let key = try JoinCheckpoint.readKey(&reader)
        try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: key, keyGroups), in: reader.name)
        let stored = try reader.readBytes()
        guard stored.withUnsafeBytes({ TableRow.isValid($0, count: rightFields.count) }) else {
            throw SnapshotCorrupt(reader.name, "a table row is not a row of \(rightFields.count) fields")
        }
        try key.withUnsafeBytes { k in try stored.withUnsafeBytes { try table.put(k, $0) } }
    }
}
