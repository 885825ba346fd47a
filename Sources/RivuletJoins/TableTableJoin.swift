// TableTableJoin: two tables joined (left table's foreign key → right table's key), emitted as a changelog.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// Both inputs are changelogs materialized as tables (upserts by key, tombstones delete). The left
/// table's rows point at the right table through `left_fk` (the left key itself for a primary-key join).
/// After every change, in event-time order (left first on equal times), the joined row of each affected
/// left key is recomputed — inner: both sides present; left: the left row, with the right one or NULLs;
/// outer (primary-key joins only): either side — and compared with what was last emitted for it: `+I` a
/// new row, `-U`/`+U` a changed one, `-D` a row that no longer exists. Output: the left fields, then the
/// right ones but its key (neither table's time field); an outer row with only a right side has the
/// join key in the left key's column, so every row carries its key. Rows are keyed and ordered by the
/// left key.
/// Checkpoints save both tables' rows and what was last emitted per row, keyed by the join key (a left
/// row by its foreign key), and the records waiting for the watermark.
public final class TableTableJoin: JoinOperator {
    let kind: JoinKind
    let leftPK: Int
    let leftFK: Int
    let rightKey: Int
    let rightKeyType: FieldType
    let leftCount: Int
    let rightFields: [Int]
    /// left key → (encoded left row (all fields), foreign key)
    private var leftRows: [[UInt8]: (row: [UInt8], fk: [UInt8])] = [:]
    /// right key → encoded right row (the fields in `rightFields`)
    private var rightRows: [[UInt8]: [UInt8]] = [:]
    /// The time of each key's last change, per side — a deleted key's too, so a late change older than
    /// the delete does not bring it back (deleted keys are remembered for good).
    private var leftTimes: [[UInt8]: Int64] = [:]
    private var rightTimes: [[UInt8]: Int64] = [:]
    /// foreign key → left keys that point at it
    private var referencing: [[UInt8]: Set<[UInt8]>] = [:]
    /// left key (or right key, for outer rows without a left) → (left row, right row) last emitted
    private var emitted: [[UInt8]: (left: [UInt8]?, right: [UInt8]?)] = [:]
    private var buffer: [UInt8] = []
    let leftFields: [Int]
    /// What a left row without a foreign key points at: nothing (no right key is these bytes).
    static let noForeignKey: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x00]
    /// Left rows without a foreign key → the key group of the NULL or empty value they were partitioned by
    /// (checkpoints; the bytes of `noForeignKey` do not tell).
    private var noForeignKeyGroups: [[UInt8]: Int] = [:]

    /// `leftTime`/`rightTime`: each table's event-time field, if any: the time of an update, not a value
    /// (left out of the output and of the tombstone test).
    public init(
        name: String, kind: JoinKind, left: Schema, right: Schema, leftPK: Int, leftFK: Int, rightKey: Int,
        leftTime: Int?, rightTime: Int?, batchCapacity: Int, deadLetters: DeadLetterRoute, keyGroups: KeyGroups = KeyGroups()
    ) {
        self.kind = kind
        self.leftPK = leftPK
        self.leftFK = leftFK
        self.rightKey = rightKey
        rightKeyType = right.fields[rightKey].type
        leftFields = (0..<left.count).filter { $0 != leftTime }
        leftCount = leftFields.count
        var leftOut = Schema()
        for f in leftFields { leftOut.append(left.fields[f]) }
        let joined = JoinOperator.joinedSchema(left: leftOut, right: right, skip: Set([rightKey] + (rightTime.map { [$0] } ?? [])))
        rightFields = joined.rightFields
        super.init(
            name: name, outputSchema: joined.schema, left: left, right: right, rightFirstOnTies: false, batchCapacity: batchCapacity,
            deadLetters: deadLetters, keyFields: [leftFK, rightKey], keyGroups: keyGroups)
    }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        if port == 0 {
            guard let pk = RowCodec.key(record, field: leftPK) else {
                try deadLetters.send(record, schema: batch.schema, reason: "left table update without a key")
                return
            }
            let t = record.pointee.timestamp
            // A late change (taken at its table's watermark, after its own time) older than the key's row
            // or delete leaves it as it is.
            if t < now, let current = leftTimes[pk], current > t {
                lateTableChangesSuperseded.add(1)
                return
            }
            let old = leftRows[pk]
            if let old {
                referencing[old.fk]?.remove(pk)
                if old.fk == Self.noForeignKey { noForeignKeyGroups[pk] = nil }
            }
            if RowCodec.isTombstone(record, fields: leftFields.filter { $0 != leftPK }) {
                leftRows[pk] = nil
                leftTimes[pk] = t
            } else {
                leftTimes[pk] = t
                RowCodec.encode(record, fields: leftFields, into: &buffer)
                let fk: [UInt8]
                if let key = RowCodec.key(record, field: leftFK) {
                    fk = key
                } else {
                    // A row without a foreign key points at nothing (it never matches a right row).
                    fk = Self.noForeignKey
                    noForeignKeyGroups[pk] = keyGroups.group(ofHash: PartitionedEdge.keyHash(of: record, field: leftFK) ?? 0)
                }
                leftRows[pk] = (buffer, fk)
                referencing[fk, default: []].insert(pk)
            }
            try refresh(pk)
        } else {
            guard let key = RowCodec.key(record, field: rightKey) else {
                try deadLetters.send(record, schema: batch.schema, reason: "right table update without a key")
                return
            }
            let t = record.pointee.timestamp
            if t < now, let current = rightTimes[key], current > t {
                lateTableChangesSuperseded.add(1)
                return
            }
            if RowCodec.isTombstone(record, fields: rightFields) {
                rightRows[key] = nil
                rightTimes[key] = t
            } else {
                RowCodec.encode(record, fields: rightFields, into: &buffer)
                rightRows[key] = buffer
                rightTimes[key] = t
            }
            let affected = (referencing[key] ?? []).sorted { $0.lexicographicallyPrecedes($1) }
            for pk in affected { try refresh(pk) }
            if kind == .outer && leftFK == leftPK && affected.isEmpty { try refresh(key) }
        }
    }

    /// Recomputes the joined row of left key `pk` and emits the difference from the last one.
    private func refresh(_ pk: [UInt8]) throws {
        let left = leftRows[pk]
        let right = left.flatMap { rightRows[$0.fk] } ?? (leftFK == leftPK ? rightRows[pk] : nil)
        let now: (left: [UInt8]?, right: [UInt8]?)? =
            switch kind {
            case .inner: left != nil && right != nil ? (left?.row, right) : nil
            case .left: left != nil ? (left?.row, right) : nil
            case .outer: left != nil || right != nil ? (left?.row, right) : nil
            }
        let before = emitted[pk]
        switch (before, now) {
        case (nil, nil): return
        case (nil, let n?): try emit(n, key: pk, op: RV_OP_INSERT)
        case (let b?, nil): try emit(b, key: pk, op: RV_OP_DELETE)
        case (let b?, let n?):
            if b.left == n.left && b.right == n.right { return }
            try emit(b, key: pk, op: RV_OP_UPDATE_BEFORE)
            try emit(n, key: pk, op: RV_OP_UPDATE_AFTER)
        }
        emitted[pk] = now
    }

    /// Emits a joined row of join key `key` (the left key; for an outer row without a left side, the
    /// right key, which equals it).
    private func emit(_ row: (left: [UInt8]?, right: [UInt8]?), key: [UInt8], op: UInt32) throws {
        let (out, i) = try newOutput(time: now, op: op)
        row.left.map { l in l.withUnsafeBytes { RowCodec.decode($0, count: leftCount, into: out, index: i, first: 0) } }
            ?? RowCodec.decode(nil, count: leftCount, into: out, index: i, first: 0)
        row.right.map { r in r.withUnsafeBytes { RowCodec.decode($0, count: rightFields.count, into: out, index: i, first: leftCount) } }
            ?? RowCodec.decode(nil, count: rightFields.count, into: out, index: i, first: leftCount)
        guard let pkOut = leftFields.firstIndex(of: leftPK) else { return self.out.didAppend() }
        // Every row carries its join key: an outer row with only a right side gets it in the left key's
        // column (the right key is not an output column of its own), so the changelog applies by key.
        if row.left == nil { Self.setKey(key, type: rightKeyType, into: out, index: i, field: pkOut) }
        // Keyed by the join key, so a parallel consumer gets every change of a row on one instance.
        out.setKey(i, fromField: pkOut)
        self.out.didAppend()
    }

    /// Writes key bytes (`RowCodec.key`'s: a string's bytes or a number's 8) of a key of type `type` into
    /// output field `field`, converted to that column's type when the two differ (as text for a string
    /// column; NULL when a string key is not a number of a numeric column).
    static func setKey(_ key: [UInt8], type: FieldType, into out: RecordBatch, index i: Int, field: Int) {
        let column = out.schema.fields[field].type
        var v = rv_field()
        v.type = type.rawValue
        if type.isBytesLike {
            if column.isBytesLike {
                key.withUnsafeBytes { out.setBytesField(i, field, type: column, $0.baseAddress, count: $0.count) }
            } else if column == .i64, let n = Int64(String(decoding: key, as: UTF8.self)) {
                out.setField(i, field, .integer(n))
            }
            return
        }
        guard key.count == 8 else { return }
        v.value.i64 = key.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
        if column == type {
            out.setField(i, field, v)
        } else if column.isBytesLike {
            out.setStringField(i, field, FieldText.render(v))
        }
    }

    // MARK: Checkpoints

    /// Keyed entries: a left row (pk, row, foreign key — without one, its key group, u16 — what was last
    /// emitted for it, and the time of its change), a right row (key, row, time), and what was last emitted
    /// for an outer row with no left row (keyed by the right key). Emitted: present (bool), then its left
    /// and right rows, each optional; and a deleted key's delete time (key, time), per side. A row's time is
    /// absent in format 1 snapshots (`JoinCheckpoint.version`).
    static let leftTag: UInt8 = 1
    static let rightTag: UInt8 = 2
    static let emittedTag: UInt8 = 3
    /// The time of a deleted key's delete (key, time), per side.
    static let leftDeletedTag: UInt8 = 4
    static let rightDeletedTag: UInt8 = 5

    override var snapshotKind: UInt8 { JoinCheckpoint.tableTable << 4 | kind.checkpointCode }

    override var tablePorts: Set<Int> { [0, 1] }

    override func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {
        for (pk, left) in leftRows {
            let group =
                left.fk == Self.noForeignKey ? noForeignKeyGroups[pk] ?? 0 : JoinCheckpoint.group(ofKey: left.fk, keyGroups)
            snapshot.addKeyed(group: group) { w in
                w.write(Self.leftTag)
                w.write(bytes: pk)
                w.write(bytes: left.row)
                w.write(bytes: left.fk)
                // Without a foreign key, the group is not the key's hash: saved to check the entry's.
                if left.fk == Self.noForeignKey { w.write(UInt16(group)) }
                Self.write(emitted: emitted[pk], to: &w)
                w.write(leftTimes[pk] ?? .min)
            }
        }
        for (key, row) in rightRows {
            snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: key, keyGroups)) { w in
                w.write(Self.rightTag)
                w.write(bytes: key)
                w.write(bytes: row)
                w.write(rightTimes[key] ?? .min)
            }
        }
        for (tag, times, live) in [(Self.leftDeletedTag, leftTimes, Set(leftRows.keys)), (Self.rightDeletedTag, rightTimes, Set(rightRows.keys))] {
            for (key, time) in times where !live.contains(key) {
                snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: key, keyGroups)) { w in
                    w.write(tag)
                    w.write(bytes: key)
                    w.write(time)
                }
            }
        }
        for (key, row) in emitted where leftRows[key] == nil {
            snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: key, keyGroups)) { w in
                w.write(Self.emittedTag)
                w.write(bytes: key)
                Self.write(emitted: row, to: &w)
            }
        }
    }

    private static func write(emitted row: (left: [UInt8]?, right: [UInt8]?)?, to w: inout SnapshotWriter) {
        w.write(row != nil)
        guard let row else { return }
        JoinCheckpoint.write(optionalRow: row.left, to: &w)
        JoinCheckpoint.write(optionalRow: row.right, to: &w)
    }

    private func readEmitted(_ reader: inout SnapshotReader) throws -> (left: [UInt8]?, right: [UInt8]?) {
        let left = try JoinCheckpoint.readOptionalRow(&reader, count: leftCount, "an emitted left row")
        let right = try JoinCheckpoint.readOptionalRow(&reader, count: rightFields.count, "an emitted right row")
        return (left, right)
    }

    override func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        switch tag {
        case Self.leftTag:
            let pk = try JoinCheckpoint.readKey(&reader)
            let row = try JoinCheckpoint.readRow(&reader, count: leftCount, "a left row")
            let fk = try JoinCheckpoint.readKey(&reader)
            if fk == Self.noForeignKey {
                try JoinCheckpoint.expect(group: group, Int(try reader.readUInt16()), in: reader.name)
                noForeignKeyGroups[pk] = group
            } else {
                try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: fk, keyGroups), in: reader.name)
            }
            leftRows[pk] = (row, fk)
            if try reader.readBool() { emitted[pk] = try readEmitted(&reader) }
            if restoringFormat >= 2, case let t = try reader.readInt64(), t != .min { leftTimes[pk] = t }
        case Self.rightTag:
            let key = try JoinCheckpoint.readKey(&reader)
            try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: key, keyGroups), in: reader.name)
            rightRows[key] = try JoinCheckpoint.readRow(&reader, count: rightFields.count, "a right row")
            if restoringFormat >= 2, case let t = try reader.readInt64(), t != .min { rightTimes[key] = t }
        case Self.leftDeletedTag, Self.rightDeletedTag:
            let key = try JoinCheckpoint.readKey(&reader)
            try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: key, keyGroups), in: reader.name)
            let time = try reader.readInt64()
            if tag == Self.leftDeletedTag { leftTimes[key] = time } else { rightTimes[key] = time }
        case Self.emittedTag:
            let key = try JoinCheckpoint.readKey(&reader)
            try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: key, keyGroups), in: reader.name)
            guard try reader.readBool() else { throw SnapshotCorrupt(reader.name, "an emitted row entry without a row") }
            emitted[key] = try readEmitted(&reader)
        default:
            try super.restoreKeyed(tag: tag, group: group, from: &reader)
        }
    }

    /// Which left rows point at each right key: derived from the left rows.
    override func didRestoreKeyedState() throws {
        referencing = [:]
        for (pk, left) in leftRows { referencing[left.fk, default: []].insert(pk) }
    }
}
