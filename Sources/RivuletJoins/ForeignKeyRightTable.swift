// ForeignKeyRightTable: a foreign-key join's right table, keyed by its key, answering the left rows that point at it.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// The middle stage of a foreign-key table–table join split between processes (KIP-213's subscription
/// store and response), keyed by the right table's key: input 0 is the subscriptions of
/// `ForeignKeyLeftTable` (which left primary keys point at this key, from which of their versions),
/// input 1 the right table's changes. In event-time order (subscriptions first on equal times, as the
/// join takes left changes first), it answers a new subscription with the right row as it is then, and a
/// change of a right row with the new row (or none) to every primary key pointing at it, in primary-key
/// order — *answers* keyed by the primary key, for `ForeignKeyJoinResults`, each carrying the version of
/// the subscription it answers and its number among that subscription's answers (1, 2, …), so the last
/// stage can tell an answer replayed after a failure. A subscription change of a version not above the
/// last one seen for its pair is a replay and is left out. Subscriptions are never diverted as late: a
/// late one is applied where its input had reached.
///
/// Output fields: the primary key, the foreign key, the version, the answer's number, whether the right
/// row exists, then the right fields but its key and time field. Checkpoints: each right row (and a
/// deleted key's time), and each pair ever subscribed: its last version, whether it is live and its
/// answers so far, in the group of the right key.
public final class ForeignKeyRightTable: JoinOperator {
    let rightKey: Int
    let rightFields: [Int]
    let primaryKeyType: FieldType
    let foreignKeyType: FieldType
    /// right key → encoded right row (the fields in `rightFields`)
    private var rows: [[UInt8]: [UInt8]] = [:]
    /// right key → the time of its last change (a deleted key's too)
    private var rowTimes: [[UInt8]: Int64] = [:]
    /// A pair's subscription: the last version seen, whether it is live, the answers it has had.
    private struct Subscription {
        var version: Int64
        var live: Bool
        var answers: Int64
    }

    /// right key → primary key → its subscription (ended ones kept: a replayed old version stays out)
    private var subscriptions: [[UInt8]: [[UInt8]: Subscription]] = [:]

    /// `subscriptions`: primary key, foreign key, subscribed, version (`ForeignKeyLeftTable`'s `out`);
    /// `answers`: the output schema.
    public init(
        name: String, subscriptions: Schema, right: Schema, rightKey: Int, rightTime: Int?, answers: Schema, batchCapacity: Int,
        deadLetters: DeadLetterRoute, keyGroups: KeyGroups
    ) {
        self.rightKey = rightKey
        rightFields = (0..<right.count).filter { $0 != rightKey && $0 != rightTime }
        primaryKeyType = subscriptions.fields[0].type
        foreignKeyType = subscriptions.fields[1].type
        super.init(
            name: name, outputSchema: answers, left: subscriptions, right: right, rightFirstOnTies: false, batchCapacity: batchCapacity,
            deadLetters: deadLetters, keyFields: [1, rightKey], keyGroups: keyGroups)
    }

    override var tablePorts: Set<Int> { [0, 1] }

    /// A late subscription is always applied (diverting it would leave the left row without an answer).
    override func acceptLate(_ batch: RecordBatch, index: Int, port: Int) throws -> Bool {
        if port == 0 && !appliesLateTableChanges {
            sync.enqueue(batch, index: index, port: 0, at: Swift.max(batch.record(at: index).pointee.timestamp, batch.watermarkBefore(index)))
            lateTableChanges.add(1)
            return true
        }
        return try super.acceptLate(batch, index: index, port: port)
    }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        let t = record.pointee.timestamp
        if port == 0 {
            guard let pk = RowCodec.key(record, field: 0), let fk = RowCodec.key(record, field: 1) else { return }
            let version = record.pointee.fields[3].value.i64
            if let seen = subscriptions[fk]?[pk], seen.version >= version { return }
            let live = record.pointee.fields[2].value.i64 != 0
            subscriptions[fk, default: [:]][pk] = Subscription(version: version, live: live, answers: 0)
            if live { try answer(pk, about: fk) }
            return
        }
        guard let key = RowCodec.key(record, field: rightKey) else {
            try deadLetters.send(record, schema: batch.schema, reason: "right table update without a key")
            return
        }
        if t < now, let current = rowTimes[key], current > t {
            lateTableChangesSuperseded.add(1)
            return
        }
        rowTimes[key] = t
        if RowCodec.isTombstone(record, fields: rightFields) {
            rows[key] = nil
        } else {
            var row: [UInt8] = []
            RowCodec.encode(record, fields: rightFields, into: &row)
            rows[key] = row
        }
        let live = (subscriptions[key] ?? [:]).filter(\.value.live).keys.sorted { $0.lexicographicallyPrecedes($1) }
        for pk in live { try answer(pk, about: key) }
    }

    /// Tells primary key `pk` the right row of `key` now.
    private func answer(_ pk: [UInt8], about key: [UInt8]) throws {
        guard var subscription = subscriptions[key]?[pk] else { return }
        subscription.answers += 1
        subscriptions[key]?[pk] = subscription
        let (batch, i) = try newOutput(time: now)
        TableTableJoin.setKey(pk, type: primaryKeyType, into: batch, index: i, field: 0)
        TableTableJoin.setKey(key, type: foreignKeyType, into: batch, index: i, field: 1)
        batch.setField(i, 2, .integer(subscription.version))
        batch.setField(i, 3, .integer(subscription.answers))
        // Present, or not: a right table of its key alone has no other field to tell.
        batch.setField(i, 4, .bool(rows[key] != nil))
        if let row = rows[key] {
            row.withUnsafeBytes { RowCodec.decode($0, count: rightFields.count, into: batch, index: i, first: 5) }
        } else {
            RowCodec.decode(nil, count: rightFields.count, into: batch, index: i, first: 5)
        }
        out.didAppend()
    }

    // MARK: Checkpoints

    /// A right key: its row (optional: deleted) and the time of its last change.
    static let rowTag: UInt8 = 1
    /// A subscription: right key, primary key, version, live (bool), answers.
    static let subscriptionTag: UInt8 = 2

    override var snapshotKind: UInt8 { JoinCheckpoint.foreignKeyRight << 4 }

    override func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {
        for (key, time) in rowTimes {
            snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: key, keyGroups)) { w in
                w.write(Self.rowTag)
                w.write(bytes: key)
                JoinCheckpoint.write(optionalRow: rows[key], to: &w)
                w.write(time)
            }
        }
        for (key, pairs) in subscriptions {
            let group = JoinCheckpoint.group(ofKey: key, keyGroups)
            for (pk, subscription) in pairs {
                snapshot.addKeyed(group: group) { w in
                    w.write(Self.subscriptionTag)
                    w.write(bytes: key)
                    w.write(bytes: pk)
                    w.write(subscription.version)
                    w.write(subscription.live)
                    w.write(subscription.answers)
                }
            }
        }
    }

    override func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        switch tag {
        case Self.rowTag:
            let key = try JoinCheckpoint.readKey(&reader)
            try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: key, keyGroups), in: reader.name)
            rows[key] = try JoinCheckpoint.readOptionalRow(&reader, count: rightFields.count, "a right row")
            rowTimes[key] = try reader.readInt64()
        case Self.subscriptionTag:
            let key = try JoinCheckpoint.readKey(&reader)
            try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: key, keyGroups), in: reader.name)
            let pk = try JoinCheckpoint.readKey(&reader)
            let version = try reader.readInt64()
            let live = try reader.readBool()
            subscriptions[key, default: [:]][pk] = Subscription(version: version, live: live, answers: try reader.readInt64())
        default:
            try super.restoreKeyed(tag: tag, group: group, from: &reader)
        }
    }
}
