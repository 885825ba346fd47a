// ForeignKeyJoinResults: a foreign-key join's last stage, keyed by the left key: left rows meet their right rows' answers.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// The last stage of a foreign-key table–table join split between processes (KIP-213's response
/// resolution), keyed by the left table's primary key: input 0 is the left changes `ForeignKeyLeftTable`
/// took (`rows`: each with its version 1, 2, … per key), input 1 the answers of `ForeignKeyRightTable`
/// (the right row a key's foreign key points at, for the version that subscribed it there). It applies
/// each key's changes in version order and emits the joined changelog exactly as `TableTableJoin` does in
/// one process (`+I`, `-U`/`+U`, `-D`; inner or left): a change keeping its foreign key is joined at once
/// with the right row the key has; one pointing at another right key waits for the answer of its version —
/// the changes after it wait too — which comes at the same event time (the subscription was processed
/// there first). An answer of an older version, or one already had (by its number: replayed after a
/// failure), is left out; one of a newer version waits for its change. Nothing here is late: changes and
/// answers are applied by version, whenever they come.
///
/// Output: the left fields (but its time field and the version), then the answer's right fields — the same
/// schema and rows as `TableTableJoin`. Checkpoints: per primary key, the left row, its foreign key, the
/// versions applied and subscribed, the changes and answers waiting, and what was last emitted.
public final class ForeignKeyJoinResults: JoinOperator {
    let kind: JoinKind
    let leftPK: Int
    let leftFK: Int
    /// The version field of input 0 (its last).
    let versionField: Int
    let leftFields: [Int]
    let leftCount: Int
    /// The answer's right fields (after its keys, version and number).
    let rightFields: [Int]

    /// A change taken by the first stage: the row (output fields; nil: a delete) and its foreign key.
    private struct Change {
        var row: [UInt8]?
        var foreignKey: [UInt8]?
    }

    private struct Answer {
        var foreignKey: [UInt8]
        var row: [UInt8]?
        var number: Int64
    }

    /// What the join holds of one primary key.
    private struct Key {
        /// The left row (output fields) and its foreign key; nil row: none.
        var left = Change(row: nil, foreignKey: nil)
        /// The version of the last change applied, and of the last one that changed the foreign key.
        var applied: Int64 = 0
        var subscribed: Int64 = 0
        /// Changes not applied yet, and answers of the subscribed version or later, by version.
        var waiting: [Int64: Change] = [:]
        var answers: [Int64: Answer] = [:]
        /// (left row, right row) last emitted.
        var emitted: (left: [UInt8], right: [UInt8]?)?

        /// Whether the row points at a right key whose answer has not come.
        var awaitsAnswer: Bool { left.row != nil && left.foreignKey != nil && answers[subscribed] == nil }
    }

    private var keys: [[UInt8]: Key] = [:]
    private var buffer: [UInt8] = []

    /// `left`: `ForeignKeyLeftTable`'s `rows` schema (the left fields, then the version); `answers`:
    /// `ForeignKeyRightTable`'s output schema.
    public init(
        name: String, kind: JoinKind, left: Schema, answers: Schema, leftPK: Int, leftFK: Int, leftTime: Int?, batchCapacity: Int,
        deadLetters: DeadLetterRoute, keyGroups: KeyGroups
    ) {
        self.kind = kind
        self.leftPK = leftPK
        self.leftFK = leftFK
        versionField = left.count - 1
        leftFields = (0..<left.count - 1).filter { $0 != leftTime }
        leftCount = leftFields.count
        var leftOut = Schema()
        for f in leftFields { leftOut.append(left.fields[f]) }
        let joined = JoinOperator.joinedSchema(left: leftOut, right: answers, skip: [0, 1, 2, 3])
        rightFields = joined.rightFields
        super.init(
            name: name, outputSchema: joined.schema, left: left, right: answers, rightFirstOnTies: false, batchCapacity: batchCapacity,
            deadLetters: deadLetters, keyFields: [leftPK, 0], keyGroups: keyGroups)
    }

    override var tablePorts: Set<Int> { [0, 1] }

    /// Whatever comes late is applied by its version, never diverted.
    override func acceptLate(_ batch: RecordBatch, index: Int, port: Int) throws -> Bool {
        sync.enqueue(batch, index: index, port: port, at: Swift.max(batch.record(at: index).pointee.timestamp, batch.watermarkBefore(index)))
        return true
    }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        guard let pk = RowCodec.key(record, field: port == 0 ? leftPK : 0) else { return }
        var key = keys[pk] ?? Key()
        if port == 0 {
            let version = record.pointee.fields[versionField].value.i64
            guard version > key.applied, key.waiting[version] == nil else { return }
            var change = Change(row: nil, foreignKey: nil)
            if !RowCodec.isTombstone(record, fields: leftFields.filter { $0 != leftPK }) {
                RowCodec.encode(record, fields: leftFields, into: &buffer)
                change = Change(row: buffer, foreignKey: RowCodec.key(record, field: leftFK))
            }
            key.waiting[version] = change
        } else {
            guard let foreignKey = RowCodec.key(record, field: 1) else { return }
            let version = record.pointee.fields[2].value.i64, number = record.pointee.fields[3].value.i64
            guard version >= key.subscribed, number > key.answers[version]?.number ?? 0 else { return }
            var row: [UInt8]?
            if !RowCodec.isTombstone(record, fields: rightFields) {
                RowCodec.encode(record, fields: rightFields, into: &buffer)
                row = buffer
            }
            key.answers[version] = Answer(foreignKey: foreignKey, row: row, number: number)
            if version == key.subscribed && key.left.row != nil { try refresh(&key) }
        }
        try advance(&key)
        keys[pk] = key.left.row == nil && key.emitted == nil && key.waiting.isEmpty && key.answers.isEmpty && key.applied == 0 ? nil : key
    }

    /// Applies the key's waiting changes in version order while no answer is awaited.
    private func advance(_ key: inout Key) throws {
        while !key.awaitsAnswer, let change = key.waiting.removeValue(forKey: key.applied + 1) {
            key.applied += 1
            let before = key.left.row == nil ? nil : key.left.foreignKey
            key.left = change
            if (change.row == nil ? nil : change.foreignKey) != before {
                // The first stage subscribed the key to its new right key with this version.
                key.subscribed = key.applied
                key.answers = key.answers.filter { $0.key >= key.subscribed }
            }
            try refresh(&key)
        }
    }

    /// Recomputes the key's joined row and emits the difference from the last one (nothing while the
    /// answer about its right key is awaited).
    private func refresh(_ key: inout Key) throws {
        var current: (left: [UInt8], right: [UInt8]?)?
        if let row = key.left.row {
            let right: [UInt8]?
            if key.left.foreignKey != nil {
                guard let answer = key.answers[key.subscribed] else { return }
                right = answer.row
            } else {
                right = nil
            }
            current = kind == .inner && right == nil ? nil : (row, right)
        }
        switch (key.emitted, current) {
        case (nil, nil): return
        case (nil, let n?): try emit(n, op: RV_OP_INSERT)
        case (let b?, nil): try emit(b, op: RV_OP_DELETE)
        case (let b?, let n?):
            if b.left == n.left && b.right == n.right { return }
            try emit(b, op: RV_OP_UPDATE_BEFORE)
            try emit(n, op: RV_OP_UPDATE_AFTER)
        }
        key.emitted = current
    }

    private func emit(_ row: (left: [UInt8], right: [UInt8]?), op: UInt32) throws {
        let (out, i) = try newOutput(time: now, op: op)
        row.left.withUnsafeBytes { RowCodec.decode($0, count: leftCount, into: out, index: i, first: 0) }
        row.right.map { r in r.withUnsafeBytes { RowCodec.decode($0, count: rightFields.count, into: out, index: i, first: leftCount) } }
            ?? RowCodec.decode(nil, count: rightFields.count, into: out, index: i, first: leftCount)
        // Keyed by the primary key, so a parallel consumer gets every change of a row on one instance.
        if let pkOut = leftFields.firstIndex(of: leftPK) { out.setKey(i, fromField: pkOut) }
        self.out.didAppend()
    }

    // MARK: Checkpoints

    /// A primary key's state: the left row and its foreign key (each optional), the versions applied and
    /// subscribed, the waiting changes (count; each: version, row, foreign key), the answers (count; each:
    /// version, foreign key, row, number), and what was last emitted (optional: left row, right row).
    static let keyTag: UInt8 = 1

    override var snapshotKind: UInt8 { JoinCheckpoint.foreignKeyResults << 4 | kind.checkpointCode }

    override func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {
        for (pk, key) in keys {
            snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: pk, keyGroups)) { w in
                w.write(Self.keyTag)
                w.write(bytes: pk)
                Self.write(key.left, to: &w)
                w.write(key.applied)
                w.write(key.subscribed)
                w.write(UInt32(key.waiting.count))
                for (version, change) in key.waiting.sorted(by: { $0.key < $1.key }) {
                    w.write(version)
                    Self.write(change, to: &w)
                }
                w.write(UInt32(key.answers.count))
                for (version, answer) in key.answers.sorted(by: { $0.key < $1.key }) {
                    w.write(version)
                    w.write(bytes: answer.foreignKey)
                    JoinCheckpoint.write(optionalRow: answer.row, to: &w)
                    w.write(answer.number)
                }
                JoinCheckpoint.write(optionalRow: key.emitted?.left, to: &w)
                if let emitted = key.emitted { JoinCheckpoint.write(optionalRow: emitted.right, to: &w) }
            }
        }
    }

    private static func write(_ change: Change, to w: inout SnapshotWriter) {
        JoinCheckpoint.write(optionalRow: change.row, to: &w)
        JoinCheckpoint.write(optionalRow: change.foreignKey, to: &w)
    }

    private func readChange(_ reader: inout SnapshotReader) throws -> Change {
        let row = try JoinCheckpoint.readOptionalRow(&reader, count: leftCount, "a left row")
        return Change(row: row, foreignKey: try reader.readBool() ? try JoinCheckpoint.readKey(&reader) : nil)
    }

    override func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        guard tag == Self.keyTag else { return try super.restoreKeyed(tag: tag, group: group, from: &reader) }
        let pk = try JoinCheckpoint.readKey(&reader)
        try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: pk, keyGroups), in: reader.name)
        var key = Key()
        key.left = try readChange(&reader)
        key.applied = try reader.readInt64()
        key.subscribed = try reader.readInt64()
        for _ in 0..<(try reader.readUInt32()) {
            let version = try reader.readInt64()
            key.waiting[version] = try readChange(&reader)
        }
        for _ in 0..<(try reader.readUInt32()) {
            let version = try reader.readInt64()
            let foreignKey = try JoinCheckpoint.readKey(&reader)
            let row = try JoinCheckpoint.readOptionalRow(&reader, count: rightFields.count, "a right row")
            key.answers[version] = Answer(foreignKey: foreignKey, row: row, number: try reader.readInt64())
        }
        if let left = try JoinCheckpoint.readOptionalRow(&reader, count: leftCount, "an emitted left row") {
            key.emitted = (left, try JoinCheckpoint.readOptionalRow(&reader, count: rightFields.count, "an emitted right row"))
        }
        keys[pk] = key
    }
}
