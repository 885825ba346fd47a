// ForeignKeyJoinResults: a foreign-key join's last stage, keyed by the left key: left rows meet their right rows' answers.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// The last stage of a foreign-key table–table join split between processes (KIP-213's response
/// resolution), keyed by the left table's primary key: input 0 is the left changes `ForeignKeyLeftTable`
/// took (`rows`: each with its version 1, 2, … per key), input 1 the answers of `ForeignKeyRightTable`
/// (whether the right key a subscription points at has a row, and which, numbered 1, 2, … per
/// subscription: 1 at the subscription, the others at each change of that row). It replays, key by key,
/// the one-process join's order — changes in version order, a subscription's first answer right after the
/// change that made it, the other answers among the key's changes by time (changes first on equal times) —
/// and emits the joined changelog exactly as `TableTableJoin` does (`+I`, `-U`/`+U`, `-D`; inner or
/// left). A change pointing at another right key waits for that key's first answer, and what follows it
/// waits too; it comes at the same event time (the subscription was processed there first), and every
/// answer earlier than a change has come before it (the watermark released it). An answer of an older
/// version, one already applied (replayed after a failure), or one about another right key than the
/// row's is left out. Nothing here is late: changes and answers are applied by their numbers whenever they
/// come.
///
/// Output: the left fields (but its time field and the version), then the answer's right fields — the same
/// schema and rows as `TableTableJoin`. Checkpoints: per primary key, the left row, its foreign key, the
/// right row answered, the versions applied and subscribed, the last answer applied, the changes and
/// answers waiting, and what was last emitted.
public final class ForeignKeyJoinResults: JoinOperator {
    let kind: JoinKind
    let leftPK: Int
    let leftFK: Int
    /// The version field of input 0 (its last).
    let versionField: Int
    let leftFields: [Int]
    /// The left fields that carry a value (not the key): all empty is a delete.
    let leftValueFields: [Int]
    let leftCount: Int
    /// The answer's right fields (after its keys, version, number and presence).
    let rightFields: [Int]

    /// A change taken by the first stage: its time, the row (output fields; nil: a delete) and its foreign key.
    private struct Change {
        var time: Int64
        var row: [UInt8]?
        var foreignKey: [UInt8]?
    }

    /// An answer: its time, the right key, and the right row (nil: none).
    private struct Answer {
        var time: Int64
        var foreignKey: [UInt8]
        var row: [UInt8]?
    }

    /// What the join holds of one primary key.
    private struct Key {
        /// The left row and its foreign key (row nil: none).
        var left = Change(time: .min, row: nil, foreignKey: nil)
        /// The right row of the last answer applied (nil: none, or none applied yet).
        var right: [UInt8]?
        /// The version of the last change applied, of the last one that changed the foreign key, and the
        /// number of the last answer of that one applied (0: its first is awaited).
        var applied: Int64 = 0
        var subscribed: Int64 = 0
        var answered: Int64 = 0
        /// Changes not applied yet, by version; answers not applied yet, by version and number.
        var waiting: [Int64: Change] = [:]
        var answers: [Int64: [Int64: Answer]] = [:]
        /// (left row, right row) last emitted.
        var emitted: (left: [UInt8], right: [UInt8]?)?

        /// Whether the row points at a right key.
        var pointsAtRightKey: Bool { left.row != nil && left.foreignKey != nil }
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
        leftValueFields = leftFields.filter { $0 != leftPK }
        leftCount = leftFields.count
        var leftOut = Schema()
        for f in leftFields { leftOut.append(left.fields[f]) }
        let joined = JoinOperator.joinedSchema(left: leftOut, right: answers, skip: Set(0..<Self.answerKeyFields))
        rightFields = joined.rightFields
        super.init(
            name: name, outputSchema: joined.schema, left: left, right: answers, rightFirstOnTies: false, batchCapacity: batchCapacity,
            deadLetters: deadLetters, keyFields: [leftPK, 0], keyGroups: keyGroups)
    }

    /// An answer's fields before the right row's: primary key, foreign key, version, number, present.
    public static let answerKeyFields = 5

    override var tablePorts: Set<Int> { [0, 1] }

    /// Whatever comes late is applied by its numbers, never diverted.
    override func acceptLate(_ batch: RecordBatch, index: Int, port: Int) throws -> Bool {
        sync.enqueue(batch, index: index, port: port, at: Swift.max(batch.record(at: index).pointee.timestamp, batch.watermarkBefore(index)))
        return true
    }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        guard let pk = RowCodec.key(record, field: port == 0 ? leftPK : 0) else { return }
        // Taken out while it changes: its dictionaries are then not copied on write.
        var key = keys.removeValue(forKey: pk) ?? Key()
        defer { keys[pk] = key }
        let fields = record.pointee.fields!
        if port == 0 {
            let version = fields[versionField].value.i64
            guard version > key.applied, key.waiting[version] == nil else { return }
            var change = Change(time: now, row: nil, foreignKey: nil)
            if !RowCodec.isTombstone(record, fields: leftValueFields) {
                RowCodec.encode(record, fields: leftFields, into: &buffer)
                change = Change(time: now, row: buffer, foreignKey: RowCodec.key(record, field: leftFK))
            }
            key.waiting[version] = change
        } else {
            guard let foreignKey = RowCodec.key(record, field: 1) else { return }
            let version = fields[2].value.i64, number = fields[3].value.i64
            let applied = version < key.subscribed || (version == key.subscribed && number <= key.answered)
            guard !applied, key.answers[version]?[number] == nil else { return }
            var row: [UInt8]?
            if fields[4].value.i64 != 0 {
                RowCodec.encode(record, fields: rightFields, into: &buffer)
                row = buffer
            }
            key.answers[version, default: [:]][number] = Answer(time: now, foreignKey: foreignKey, row: row)
        }
        try advance(&key)
    }

    /// Applies what the key has waiting in the one-process join's order, as far as it can.
    private func advance(_ key: inout Key) throws {
        while true {
            let next = key.pointsAtRightKey ? key.answers[key.subscribed]?[key.answered + 1] : nil
            if key.pointsAtRightKey && key.answered == 0 {
                // A subscription's first answer comes right after the change that made it.
                guard let next else { return }
                try apply(next, to: &key)
                continue
            }
            // Otherwise by time, changes first on equal times, as the one-process join takes them.
            if let change = key.waiting[key.applied + 1], next.map({ change.time <= $0.time }) ?? true {
                try apply(change, to: &key)
            } else if let next {
                try apply(next, to: &key)
            } else {
                return
            }
        }
    }

    private func apply(_ change: Change, to key: inout Key) throws {
        key.applied += 1
        key.waiting[key.applied] = nil
        let before = key.pointsAtRightKey ? key.left.foreignKey : nil
        key.left = change
        if (key.pointsAtRightKey ? change.foreignKey : nil) != before {
            // The first stage subscribed the key to its new right key (or to none) with this version.
            key.subscribed = key.applied
            key.answered = 0
            key.right = nil
            key.answers = key.answers.filter { $0.key >= key.subscribed }
        }
        try refresh(&key)
    }

    private func apply(_ answer: Answer, to key: inout Key) throws {
        key.answered += 1
        key.answers[key.subscribed]?[key.answered] = nil
        // About another right key than the row's (a replay numbering changes otherwise): not this row's.
        guard answer.foreignKey == key.left.foreignKey else { return }
        key.right = answer.row
        try refresh(&key)
    }

    /// Recomputes the key's joined row and emits the difference from the last one (nothing while the
    /// first answer about its right key is awaited).
    private func refresh(_ key: inout Key) throws {
        var current: (left: [UInt8], right: [UInt8]?)?
        if let row = key.left.row {
            if key.pointsAtRightKey && key.answered == 0 { return }
            let right = key.pointsAtRightKey ? key.right : nil
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

    /// A primary key's state: the left change applied (time, optional row, optional foreign key), the
    /// right row (optional), the versions applied and subscribed, the last answer applied, the waiting
    /// changes (count; each: version, change) and answers (count; each: version, number, time, foreign key,
    /// optional row), and what was last emitted (optional: left row, right row).
    static let keyTag: UInt8 = 1

    override var snapshotKind: UInt8 { JoinCheckpoint.foreignKeyResults << 4 | kind.checkpointCode }

    override func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {
        for (pk, key) in keys {
            snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: pk, keyGroups)) { w in
                w.write(Self.keyTag)
                w.write(bytes: pk)
                Self.write(key.left, to: &w)
                JoinCheckpoint.write(optionalRow: key.right, to: &w)
                w.write(key.applied)
                w.write(key.subscribed)
                w.write(key.answered)
                w.write(UInt32(key.waiting.count))
                for (version, change) in key.waiting.sorted(by: { $0.key < $1.key }) {
                    w.write(version)
                    Self.write(change, to: &w)
                }
                let answers = key.answers.flatMap { version, numbered in numbered.map { (version, $0.key, $0.value) } }
                w.write(UInt32(answers.count))
                for (version, number, answer) in answers.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                    w.write(version)
                    w.write(number)
                    w.write(answer.time)
                    w.write(bytes: answer.foreignKey)
                    JoinCheckpoint.write(optionalRow: answer.row, to: &w)
                }
                JoinCheckpoint.write(optionalRow: key.emitted?.left, to: &w)
                if let emitted = key.emitted { JoinCheckpoint.write(optionalRow: emitted.right, to: &w) }
            }
        }
    }

    private static func write(_ change: Change, to w: inout SnapshotWriter) {
        w.write(change.time)
        JoinCheckpoint.write(optionalRow: change.row, to: &w)
        JoinCheckpoint.write(optionalRow: change.foreignKey, to: &w)
    }

    private func readChange(_ reader: inout SnapshotReader) throws -> Change {
        let time = try reader.readInt64()
        let row = try JoinCheckpoint.readOptionalRow(&reader, count: leftCount, "a left row")
        return Change(time: time, row: row, foreignKey: try reader.readBool() ? try JoinCheckpoint.readKey(&reader) : nil)
    }

    override func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        guard tag == Self.keyTag else { return try super.restoreKeyed(tag: tag, group: group, from: &reader) }
        let pk = try JoinCheckpoint.readKey(&reader)
        try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: pk, keyGroups), in: reader.name)
        var key = Key()
        key.left = try readChange(&reader)
        key.right = try JoinCheckpoint.readOptionalRow(&reader, count: rightFields.count, "a right row")
        key.applied = try reader.readInt64()
        key.subscribed = try reader.readInt64()
        key.answered = try reader.readInt64()
        for _ in 0..<(try reader.readUInt32()) {
            let version = try reader.readInt64()
            key.waiting[version] = try readChange(&reader)
        }
        for _ in 0..<(try reader.readUInt32()) {
            let version = try reader.readInt64(), number = try reader.readInt64(), time = try reader.readInt64()
            let foreignKey = try JoinCheckpoint.readKey(&reader)
            let row = try JoinCheckpoint.readOptionalRow(&reader, count: rightFields.count, "a right row")
            key.answers[version, default: [:]][number] = Answer(time: time, foreignKey: foreignKey, row: row)
        }
        if let left = try JoinCheckpoint.readOptionalRow(&reader, count: leftCount, "an emitted left row") {
            key.emitted = (left, try JoinCheckpoint.readOptionalRow(&reader, count: rightFields.count, "an emitted right row"))
        }
        keys[pk] = key
    }
}
