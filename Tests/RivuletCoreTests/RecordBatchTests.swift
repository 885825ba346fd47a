// RecordBatchTests: copying, forwarding by reference and deriving records keep bytes valid and exact.
import CRivulet
import Testing

@testable import RivuletCore

@Suite struct RecordBatchTests {
    let schema = Schema([FieldDefinition(name: "s", type: .string), FieldDefinition(name: "n", type: .i64)])

    func makeParent() -> RecordBatch {
        let b = RecordBatch(schema: schema, capacity: 4)
        for (i, text) in ["alpha", "beta"].enumerated() {
            let r = b.appendEmpty(timestamp: Int64(i))
            b.setStringField(r, 0, text)
            b.setField(r, 1, .integer(Int64(i * 10)))
            b.setKey(r, fromField: 0)
        }
        return b
    }

    @Test func forwardedRecordsOutliveTheirProducer() {
        var child: RecordBatch
        do {
            let parent = makeParent()
            child = RecordBatch(schema: schema, capacity: 4)
            child.appendForwarded(from: parent, index: 1)
        }
        let r = RecordView(child.record(at: 0))
        #expect(r.text(0) == "beta")
        #expect(String(decoding: r.key, as: UTF8.self) == "beta")
        #expect(r.field(1).value.i64 == 10)
    }

    @Test func copiedRecordsOwnTheirBytes() {
        let parent = makeParent()
        let copy = RecordBatch(schema: schema, capacity: 2)
        #expect(copy.append(copying: parent.record(at: 0)))
        #expect(copy.record(at: 0).pointee.fields[0].value.ptr != parent.record(at: 0).pointee.fields[0].value.ptr)
        #expect(RecordView(copy.record(at: 0)).text(0) == "alpha")
        let wrong = RecordBatch(schema: Schema([FieldDefinition(name: "x", type: .i64)]), capacity: 1)
        #expect(!wrong.append(copying: parent.record(at: 0)), "field counts must match")
    }

    @Test func derivedRecordsAddFields() {
        let parent = makeParent()
        var wider = schema
        wider.append(FieldDefinition(name: "extra", type: .f64))
        let out = RecordBatch(schema: wider, capacity: 2)
        let i = out.appendDerived(from: parent, index: 0)
        out.setField(i, 2, .double(2.5))
        let r = RecordView(out.record(at: i))
        #expect(r.fieldCount == 3)
        #expect(r.text(0) == "alpha")
        #expect(r.field(2).value.f64 == 2.5)
        #expect(r.timestamp == 0)
    }

    @Test func rewriteInPlaceOnlyWhenExclusiveAndTheRowsFit() {
        let schema = Schema([FieldDefinition(name: "a", type: .i64), FieldDefinition(name: "b", type: .string)])
        let batch = RecordBatch(schema: schema, capacity: 4)
        for v in 0..<3 {
            let i = batch.appendEmpty(timestamp: Int64(v), partition: 0, offset: Int64(v))
            batch.setField(i, 0, .integer(Int64(v)))
            batch.setStringField(i, 1, "s\(v)")
        }
        #expect(!batch.canRewriteInPlace(width: 1), "not exclusive")
        batch.setExclusive(true)
        #expect(!batch.canRewriteInPlace(width: 3), "wider than its rows")
        #expect(batch.canRewriteInPlace(width: 1))
        // New rows: the string field only, one shared (the record's own bytes), others from elsewhere.
        var foreign = Array("xyz".utf8)
        foreign.withUnsafeMutableBufferPointer { bytes in
            let rows = UnsafeMutablePointer<rv_field>.allocate(capacity: 3)
            defer { rows.deallocate() }
            rows[0] = batch.field(0, 1)
            for k in 1..<3 {
                var f = rv_field()
                f.type = FieldType.string.rawValue
                f.len = 3
                f.value.ptr = UnsafePointer(bytes.baseAddress!)
                rows[k] = f
            }
            batch.rewriteInPlace(schema: Schema([FieldDefinition(name: "b", type: .string)]), rows: rows, width: 1)
            bytes[0] = UInt8(ascii: "Q")  // the copies must not see this
        }
        #expect(batch.fieldCount == 1 && batch.schema.fields.map(\.name) == ["b"])
        func text(_ i: Int) -> String {
            let f = batch.field(i, 0)
            return String(decoding: UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)), as: UTF8.self)
        }
        #expect([text(0), text(1), text(2)] == ["s0", "xyz", "xyz"])
        #expect((0..<3).map { batch.record(at: $0).pointee.offset } == [0, 1, 2])
        #expect(batch.record(at: 2).pointee.field_count == 1)
    }

    /// The maps' path (bytes already resolved) copies the rows in C: as one block when they lie apart from
    /// the batch's own rows, row by row in ascending order (as `memmove`) when they overlap them. Either way
    /// record i ends with row i, in its own row block, and keeps its time and position.
    @Test func rewriteInPlaceWithResolvedBytesCopiesEveryRow() {
        let three = Schema(["a", "b", "c"].map { FieldDefinition(name: $0, type: .i64) })
        let two = Schema(["x", "y"].map { FieldDefinition(name: $0, type: .i64) })
        for n in [3, 5, 64] {  // 96, 160, 2048 bytes of new rows: whole 64-byte blocks and 16-byte rests
            for overlapping in [false, true] {
                let batch = RecordBatch(schema: three, capacity: n)
                for i in 0..<n {
                    let r = batch.appendEmpty(timestamp: Int64(i), partition: 0, offset: Int64(i))
                    for f in 0..<3 { batch.setField(r, f, .integer(Int64(100 * i + f))) }
                }
                batch.setExclusive(true)
                let apart = UnsafeMutablePointer<rv_field>.allocate(capacity: 2 * n)
                defer { apart.deallocate() }
                for k in 0..<(2 * n) { apart[k] = .integer(Int64(-k)) }
                // Overlapping: the new rows start at record 1's old row (the values the row-by-row copy reads).
                let rows = overlapping ? batch.fieldRows + 3 : apart
                let expected = (0..<(2 * n)).map { rows[$0].value.i64 }
                batch.rewriteInPlace(schema: two, rows: rows, width: 2, bytesResolved: true)
                #expect(batch.fieldCount == 2 && batch.schema.fields.map(\.name) == ["x", "y"])
                for i in 0..<n {
                    let record = batch.record(at: i).pointee
                    #expect(record.field_count == 2 && record.fields == UnsafePointer(batch.fieldRows + 2 * i))
                    #expect(
                        [batch.field(i, 0).value.i64, batch.field(i, 1).value.i64] == [expected[2 * i], expected[2 * i + 1]],
                        "n \(n), overlapping \(overlapping), record \(i)")
                    #expect(record.timestamp == Int64(i) && record.offset == Int64(i))
                }
            }
        }
    }

    /// Rows whose string field is NULL with a length: appending derived rows stops at the first such row
    /// (the rows before it are appended), and resolving deferred rows names it. NULL with length 0 is an
    /// empty string, not an error.
    @Test func aRowWithANullPointerAndALengthStopsDerivingAtThatRow() {
        let parent = makeParent()
        let rows = UnsafeMutablePointer<rv_field>.allocate(capacity: 4)
        defer { rows.deallocate() }
        var empty = rv_field()
        empty.type = FieldType.string.rawValue  // NULL with length 0: fine
        var broken = empty
        broken.len = 3  // NULL with length 3
        var n = rv_field()
        n.type = FieldType.i64.rawValue
        rows[0] = empty
        rows[1] = n
        rows[2] = broken
        rows[3] = n
        let out = RecordBatch(schema: schema, capacity: 4)
        #expect(out.appendDerivedRows(from: parent, offset: 0, indexes: nil, rows: rows, count: 2) == 1)
        #expect(out.count == 1)
        #expect(out.record(at: 0).pointee.fields[0].len == 0)
        #expect(!out.appendDerived(from: parent, index: 1, fields: rows + 2, count: 2), "a single row is refused whole")
        #expect(out.count == 1)
        #expect(parent.resolveBytes(ofRows: rows, count: 2, width: 2) == 1)
        rows[2] = empty
        #expect(parent.resolveBytes(ofRows: rows, count: 2, width: 2) == nil)
    }
}
