// TableTableJoin: two tables joined (left table's foreign key → right table's key), emitted as a changelog.
import CRivulet
import RivuletCore
import RivuletExecution

/// Both inputs are changelogs materialized as tables (upserts by key, tombstones delete). The left
/// table's rows point at the right table through `left_fk` (the left key itself for a primary-key join).
/// After every change, in event-time order (left first on equal times), the joined row of each affected
/// left key is recomputed — inner: both sides present; left: the left row, with the right one or NULLs;
/// outer (primary-key joins only): either side — and compared with what was last emitted for it: `+I` a
/// new row, `-U`/`+U` a changed one, `-D` a row that no longer exists. Output: the left fields, then the
/// right ones but its key (neither table's time field). Rows are keyed and ordered by the left key.
public final class TableTableJoin: JoinOperator {
    let kind: JoinKind
    let leftPK: Int
    let leftFK: Int
    let rightKey: Int
    let leftCount: Int
    let rightFields: [Int]
    /// left key → (encoded left row (all fields), foreign key)
    private var leftRows: [[UInt8]: (row: [UInt8], fk: [UInt8])] = [:]
    /// right key → encoded right row (the fields in `rightFields`)
    private var rightRows: [[UInt8]: [UInt8]] = [:]
    /// foreign key → left keys that point at it
    private var referencing: [[UInt8]: Set<[UInt8]>] = [:]
    /// left key (or right key, for outer rows without a left) → (left row, right row) last emitted
    private var emitted: [[UInt8]: (left: [UInt8]?, right: [UInt8]?)] = [:]
    private var buffer: [UInt8] = []
    let leftFields: [Int]

    /// `leftTime`/`rightTime`: each table's event-time field, if any: the time of an update, not a value
    /// (left out of the output and of the tombstone test).
    public init(
        name: String, kind: JoinKind, left: Schema, right: Schema, leftPK: Int, leftFK: Int, rightKey: Int,
        leftTime: Int?, rightTime: Int?, batchCapacity: Int, deadLetters: DeadLetterRoute
    ) {
        self.kind = kind
        self.leftPK = leftPK
        self.leftFK = leftFK
        self.rightKey = rightKey
        leftFields = (0..<left.count).filter { $0 != leftTime }
        leftCount = leftFields.count
        var leftOut = Schema()
        for f in leftFields { leftOut.append(left.fields[f]) }
        let joined = JoinOperator.joinedSchema(left: leftOut, right: right, skip: Set([rightKey] + (rightTime.map { [$0] } ?? [])))
        rightFields = joined.rightFields
        super.init(
            name: name, outputSchema: joined.schema, left: left, right: right, rightFirstOnTies: false, batchCapacity: batchCapacity,
            deadLetters: deadLetters)
    }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        if port == 0 {
            guard let pk = RowCodec.key(record, field: leftPK) else {
                try deadLetters.send(record, schema: batch.schema, reason: "left table update without a key")
                return
            }
            let old = leftRows[pk]
            if let old { referencing[old.fk]?.remove(pk) }
            if RowCodec.isTombstone(record, fields: leftFields.filter { $0 != leftPK }) {
                leftRows[pk] = nil
            } else {
                RowCodec.encode(record, fields: leftFields, into: &buffer)
                // A row without a foreign key points at nothing (it never matches a right row).
                let fk = RowCodec.key(record, field: leftFK) ?? [0xFF, 0xFF, 0xFF, 0xFF, 0x00]
                leftRows[pk] = (buffer, fk)
                referencing[fk, default: []].insert(pk)
            }
            try refresh(pk)
        } else {
            guard let key = RowCodec.key(record, field: rightKey) else {
                try deadLetters.send(record, schema: batch.schema, reason: "right table update without a key")
                return
            }
            if RowCodec.isTombstone(record, fields: rightFields) {
                rightRows[key] = nil
            } else {
                RowCodec.encode(record, fields: rightFields, into: &buffer)
                rightRows[key] = buffer
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
        case (nil, let n?): try emit(n, op: RV_OP_INSERT)
        case (let b?, nil): try emit(b, op: RV_OP_DELETE)
        case (let b?, let n?):
            if b.left == n.left && b.right == n.right { return }
            try emit(b, op: RV_OP_UPDATE_BEFORE)
            try emit(n, op: RV_OP_UPDATE_AFTER)
        }
        emitted[pk] = now
    }

    private func emit(_ row: (left: [UInt8]?, right: [UInt8]?), op: UInt32) throws {
        let (out, i) = try newOutput(time: now, op: op)
        row.left.map { l in l.withUnsafeBytes { RowCodec.decode($0, count: leftCount, into: out, index: i, first: 0) } }
            ?? RowCodec.decode(nil, count: leftCount, into: out, index: i, first: 0)
        row.right.map { r in r.withUnsafeBytes { RowCodec.decode($0, count: rightFields.count, into: out, index: i, first: leftCount) } }
            ?? RowCodec.decode(nil, count: rightFields.count, into: out, index: i, first: leftCount)
        // Keyed by the left key, so a parallel consumer gets every change of a row on one instance.
        if let pkOut = leftFields.firstIndex(of: leftPK), row.left != nil { out.setKey(i, fromField: pkOut) }
        self.out.didAppend()
    }
}
