// ForeignKeyLeftTable: a foreign-key join's left table, keyed by its own key, telling which right key each row points at.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// The first stage of a foreign-key table–table join split between processes (Kafka Streams' subscription
/// registration, KIP-213), keyed by the left table's primary key. It decides, as the one-process join
/// would (event-time order, late changes applied where their input had reached or diverted, a late change
/// older than its key's last one left out, updates without a key dead-lettered), which left changes the
/// join takes, and numbers each primary key's changes 1, 2, … (its *version*). Every change taken leaves
/// through port `rows` — the row and its version — for `ForeignKeyJoinResults`, so the last stage applies
/// exactly these changes in this order; a change that makes a row point at another right key (or at none,
/// or at one again) also leaves through `out` as *subscriptions*, keyed by the right key, for
/// `ForeignKeyRightTable`: `pk` no longer points at the old key (`subscribed` false), `pk` now points at
/// the new one (true), each with the change's version.
///
/// `out` fields: primary key, foreign key (each of its left field's type), subscribed (bool), version
/// (i64). `rows` fields: the left fields, then the version. Checkpoints: per primary key, its foreign key
/// (if any), its version and the time of its last change.
public final class ForeignKeyLeftTable: JoinOperator {
    let leftPK: Int
    let leftFK: Int
    let leftCount: Int
    /// The left fields that carry a value (not the key, not the time field): all empty is a tombstone.
    let valueFields: [Int]
    let primaryKeyType: FieldType
    let foreignKeyType: FieldType
    /// The changes taken, with their versions.
    public let rows: OutputPort
    /// Primary key → the right key its row points at (absent: no row, or a row without one).
    private var foreignKeys: [[UInt8]: [UInt8]] = [:]
    /// Primary key → the version of its last change taken.
    private var versions: [[UInt8]: Int64] = [:]
    /// Primary key → the time of its last change (a deleted key's too: a late change older stays out).
    private var times: [[UInt8]: Int64] = [:]

    /// `subscriptions`: the schema of `out`; `rows`: the schema of `rows` (the left fields and the version).
    public init(
        name: String, left: Schema, leftPK: Int, leftFK: Int, leftTime: Int?, subscriptions: Schema, rows: Schema, batchCapacity: Int,
        deadLetters: DeadLetterRoute, keyGroups: KeyGroups
    ) {
        self.leftPK = leftPK
        self.leftFK = leftFK
        leftCount = left.count
        valueFields = (0..<left.count).filter { $0 != leftPK && $0 != leftTime }
        primaryKeyType = left.fields[leftPK].type
        foreignKeyType = left.fields[leftFK].type
        self.rows = OutputPort(name: "rows", schema: rows, batchCapacity: batchCapacity)
        super.init(
            name: name, outputSchema: subscriptions, left: left, right: Schema(), rightFirstOnTies: false, batchCapacity: batchCapacity,
            deadLetters: deadLetters, keyFields: [leftPK, 0], keyGroups: keyGroups)
    }

    override var tablePorts: Set<Int> { [0] }
    override public var additionalPorts: [OutputPort] { [rows] }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        guard port == 0 else { return }
        guard let pk = RowCodec.key(record, field: leftPK) else {
            try deadLetters.send(record, schema: batch.schema, reason: "left table update without a key")
            return
        }
        let t = record.pointee.timestamp
        // A late change (taken at its input's watermark, after its own time) older than the key's last
        // change or delete leaves it as it is, as in `TableTableJoin`.
        if t < now, let current = times[pk], current > t {
            lateTableChangesSuperseded.add(1)
            return
        }
        times[pk] = t
        let version = (versions[pk] ?? 0) + 1
        versions[pk] = version
        try forward(record, version: version)
        let old = foreignKeys[pk]
        let new = RowCodec.isTombstone(record, fields: valueFields) ? nil : RowCodec.key(record, field: leftFK)
        foreignKeys[pk] = new
        guard old != new else { return }
        if let old { try subscribe(primaryKey: pk, foreignKey: old, subscribed: false, version: version) }
        if let new { try subscribe(primaryKey: pk, foreignKey: new, subscribed: true, version: version) }
    }

    /// The change taken, at the join's clock, with its version.
    private func forward(_ record: UnsafePointer<rv_record>, version: Int64) throws {
        let batch = try rows.batchForAppending()
        let i = batch.appendEmpty(timestamp: now)
        batch.setOp(i, record.pointee.op)
        batch.setWatermarkBefore(i, min(propagated, now - 1))
        JoinOperator.copyFields(record, count: leftCount, into: batch, index: i, first: 0)
        batch.setField(i, leftCount, .integer(version))
        rows.didAppend()
    }

    private func subscribe(primaryKey: [UInt8], foreignKey: [UInt8], subscribed: Bool, version: Int64) throws {
        let (batch, i) = try newOutput(time: now)
        TableTableJoin.setKey(primaryKey, type: primaryKeyType, into: batch, index: i, field: 0)
        TableTableJoin.setKey(foreignKey, type: foreignKeyType, into: batch, index: i, field: 1)
        batch.setField(i, 2, .bool(subscribed))
        batch.setField(i, 3, .integer(version))
        out.didAppend()
    }

    // MARK: Checkpoints

    /// A primary key: its foreign key (optional), its version and the time of its last change.
    static let keyTag: UInt8 = 1

    override var snapshotKind: UInt8 { JoinCheckpoint.foreignKeyLeft << 4 }

    override func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {
        for (pk, time) in times {
            snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: pk, keyGroups)) { w in
                w.write(Self.keyTag)
                w.write(bytes: pk)
                JoinCheckpoint.write(optionalRow: foreignKeys[pk], to: &w)
                w.write(versions[pk] ?? 0)
                w.write(time)
            }
        }
    }

    override func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        guard tag == Self.keyTag else { return try super.restoreKeyed(tag: tag, group: group, from: &reader) }
        let pk = try JoinCheckpoint.readKey(&reader)
        try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: pk, keyGroups), in: reader.name)
        if try reader.readBool() { foreignKeys[pk] = try JoinCheckpoint.readKey(&reader) }
        versions[pk] = try reader.readInt64()
        times[pk] = try reader.readInt64()
    }
}
