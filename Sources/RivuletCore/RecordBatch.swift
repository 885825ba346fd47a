// RecordBatch: a fixed-capacity batch of immutable records laid out as the C ABI's rv_record array.
import CRivulet
import CRivuletHost

/// A batch of records in the exact memory layout plugins see (`rv_batch`): an array of `rv_record`, one
/// `rv_field` row per record, and a `ByteArena` for their bytes.
///
/// A batch is filled by one thread (a source, or the host while an operator emits), then published and
/// read-only from then on: it may be read by several consumers at once (fan-out) and crosses threads
/// through rings. A forwarded record keeps pointing into the batch it came from; that batch is retained in
/// `parents` for as long as this one lives, so no bytes are copied on the filter path.
/// - Complexity: one allocation for the records, one for the field rows, one per 64 KiB of bytes.
public final class RecordBatch: @unchecked Sendable {
    /// The schema every record of the batch follows (changed only by `rewriteInPlace`). Like `fieldCount`,
    /// written only while one thread builds or rewrites the batch: no dynamic exclusivity checks.
    @exclusivity(unchecked) public private(set) var schema: Schema
    public let capacity: Int
    @exclusivity(unchecked) public private(set) var fieldCount: Int
    /// Fields per record the row block was allocated for.
    @usableFromInline let rowWidth: Int
    /// The number of records appended so far.
    @inlinable public var count: Int { header.pointee.count }

    /// Mutable state behind a `let` pointer: appending costs no exclusivity check and no ARC traffic.
    @usableFromInline struct Header {
        @usableFromInline var count: Int
        /// Identity of the parent retained last: forwarding a run of records from one batch checks this only.
        /// Always an element of `parents`, so that batch cannot be freed (and its address reused by another
        /// batch) while this one lives: equal addresses mean the same, already retained, batch.
        @usableFromInline var lastParent: UnsafeRawPointer?
        /// Set by the batch's only holder (a port or source handing it to a single fused consumer) for the
        /// duration of that call: the consumer may then rewrite the records in place (`rewriteInPlace`).
        /// The rule and its invariants: `BatchHandoff` (RivuletExecution), the only code that sets it.
        @usableFromInline var exclusive: Bool
        /// Whether some record's fields are in this batch's own row block (rows are laid out there with a
        /// stride of `fieldCount`, record j's at row ≥ j); false while every record is a forwarded one,
        /// whose fields are its parent's.
        @usableFromInline var ownRowsUsed: Bool
    }

    /// Batches this one's forwarded or derived records point into; kept alive as long as this batch.
    /// (Appended to by the building thread only: no dynamic exclusivity checks.)
    @usableFromInline final class Parents {
        @exclusivity(unchecked) @usableFromInline var list: [RecordBatch] = []
        @usableFromInline init() {}
    }

    @usableFromInline let header: UnsafeMutablePointer<Header>
    @usableFromInline let records: UnsafeMutablePointer<rv_record>
    @usableFromInline let fieldRows: UnsafeMutablePointer<rv_field>
    /// Per record: the event-time watermark of its stream just before it (Flink's per-record rule: a record
    /// is checked against the watermark before it raises it). `Int64.min` means "not known here": the
    /// consumer uses its current watermark. Host-side only (not part of rv_record), copied on forward.
    @usableFromInline let watermarks: UnsafeMutablePointer<Int64>
    @usableFromInline let arena = ByteArena()
    @usableFromInline let parents = Parents()

    public init(schema: Schema, capacity: Int) {
        precondition(capacity > 0, "a batch holds at least one record")
        self.schema = schema
        self.capacity = capacity
        self.fieldCount = schema.count
        rowWidth = schema.count
        records = .allocate(capacity: capacity)
        fieldRows = .allocate(capacity: max(1, capacity * schema.count))
        watermarks = .allocate(capacity: capacity)
        header = .allocate(capacity: 1)
        header.initialize(to: Header(count: 0, lastParent: nil, exclusive: false, ownRowsUsed: false))
    }

    deinit {
        header.deallocate()
        records.deallocate()
        fieldRows.deallocate()
        watermarks.deallocate()
        arena.release()
    }

    public var isEmpty: Bool { count == 0 }
    public var isFull: Bool { count == capacity }

    /// The record at `index` (borrowed: valid while the batch lives).
    @inlinable
    public func record(at index: Int) -> UnsafePointer<rv_record> {
        UnsafePointer(records + index)
    }

    /// Field `field` of record `index`.
    @inlinable
    public func field(_ index: Int, _ field: Int) -> rv_field {
        records[index].fields[field]
    }

    /// The C view of records `start..<count`, valid while the batch lives.
    @inlinable
    public func cBatch(from start: Int = 0) -> rv_batch {
        rv_batch(
            struct_size: UInt32(MemoryLayout<rv_batch>.size), record_size: UInt32(MemoryLayout<rv_record>.stride),
            count: UInt64(count - start), records: UnsafePointer(records + start))
    }

    /// Appends record `index` of `parent` without copying its bytes; `parent` is retained.
    /// The caller guarantees both batches have the same schema.
    @inlinable
    public func appendForwarded(from parent: RecordBatch, index: Int) {
        precondition(count < capacity, "batch is full")
        records[count] = parent.records[index]
        watermarks[count] = parent.watermarks[index]
        header.pointee.count += 1
        if header.pointee.lastParent != UnsafeRawPointer(Unmanaged.passUnretained(parent).toOpaque()) { retain(parent) }
    }

    /// Appends records `offset + selected[i]` of `parent` without copying their bytes; `parent` is
    /// retained once. The caller guarantees the schemas match and that they fit.
    @inlinable
    public func appendForwarded(from parent: RecordBatch, offset: Int, selected: UnsafeBufferPointer<UInt32>) {
        precondition(count + selected.count <= capacity, "batch is full")
        var n = count
        for index in selected {
            records[n] = parent.records[offset + Int(index)]
            watermarks[n] = parent.watermarks[offset + Int(index)]
            n += 1
        }
        header.pointee.count = n
        if !selected.isEmpty && header.pointee.lastParent != UnsafeRawPointer(Unmanaged.passUnretained(parent).toOpaque()) {
            retain(parent)
        }
    }

    /// Appends a record derived from record `index` of `parent`: its key, value, headers, time and
    /// position are the parent record's (shared: `parent` is retained), its fields are `fields`. A string
    /// or bytes field whose (pointer, length) equals one of the parent record's fields is shared; other
    /// bytes are copied into this batch. Returns false (appending nothing) when the field count does not
    /// match, or when a string or bytes field is NULL with a non-zero length.
    public func appendDerived(from parent: RecordBatch, index: Int, fields: UnsafePointer<rv_field>, count n: Int) -> Bool {
        guard n == fieldCount else { return false }
        precondition(count < capacity, "batch is full")
        return appendDerivedRows(from: parent, offset: index, indexes: nil, rows: fields, count: 1) == 1
    }

    /// Appends `n` records derived from records `offset + indexes[k]` of `parent` (`offset + k` when
    /// `indexes` is nil), the k-th with the `fieldCount` fields at `rows + k * fieldCount` — the same as
    /// `n` calls of `appendDerived(from:index:fields:count:)`, with the rows copied in one block. A string
    /// or bytes field equal (pointer and length) to one of its parent record's fields is shared; other
    /// bytes are copied into this batch. The caller guarantees the rows have `fieldCount` fields and fit.
    /// Returns the number of records appended: `n`, or `k` when row k holds a string or bytes field that is
    /// NULL with a non-zero length (records before it are appended, it and the rest are not). The check
    /// costs nothing on the way of valid rows: such a field is never the parent's own, so it is met where
    /// foreign bytes are copied.
    @discardableResult
    public func appendDerivedRows(
        from parent: RecordBatch, offset: Int, indexes: UnsafePointer<UInt32>?, rows: UnsafePointer<rv_field>, count n: Int
    ) -> Int {
        let first = header.pointee.count
        precondition(first + n <= capacity, "batch is full")
        let width = fieldCount
        let row0 = fieldRows + first * width
        header.pointee.ownRowsUsed = true
        row0.update(from: rows, count: n * width)
        // The per-record loop is C (rv_host_append_derived): it stops after a record whose row holds bytes
        // that are not its parent's, which are copied here before it goes on.
        var next = 0
        while next < n {
            var needsCopy: Int32 = 0
            next = rv_host_append_derived(
                records + first, watermarks + first, row0, UInt32(width), parent.records, parent.watermarks, offset,
                indexes, next, n, &needsCopy)
            if needsCopy != 0 {
                let source = parent.records + offset + (indexes.map { Int($0[next - 1]) } ?? (next - 1))
                if !shareOrCopyBytes(
                    row0 + (next - 1) * width, width, parentFields: source.pointee.fields,
                    parentCount: Int(source.pointee.field_count))
                {
                    next -= 1
                    break
                }
            }
        }
        header.pointee.count = first + next
        if next > 0 && header.pointee.lastParent != UnsafeRawPointer(Unmanaged.passUnretained(parent).toOpaque()) { retain(parent) }
        return next
    }

    /// Whether the batch's only holder has handed it to the current consumer (see `Header.exclusive`).
    @inlinable public var isExclusive: Bool { header.pointee.exclusive }

    /// Marks the batch as handed to a single consumer that may rewrite it (true) or not any more (false).
    /// Called only by `BatchHandoff` (RivuletExecution), which states when that is safe.
    @inlinable public func setExclusive(_ exclusive: Bool) { header.pointee.exclusive = exclusive }

    /// Whether `rewriteInPlace` can take rows of `width` fields: the batch is exclusive, holds records,
    /// and the new rows fit where its own rows are (never wider than the rows still to be read).
    public func canRewriteInPlace(width: Int) -> Bool {
        header.pointee.exclusive && count > 0 && width > 0 && width <= rowWidth
            && (!header.pointee.ownRowsUsed || width <= fieldCount)
    }

    /// Gives every record a new field row, in place: record i gets the `width` fields at `rows + i·width`
    /// (its key, time, position, watermark and op stay), and the batch takes `schema`. A map whose output
    /// replaces its whole input this way copies no record. Bytes of a new row that are not the record's
    /// own (same pointer and length as one of its current fields) are copied into the batch first, so
    /// `rows` may point anywhere. Caller: checked `canRewriteInPlace(width:)`.
    ///
    /// Why it is safe: only a batch's sole holder marks it exclusive, around a call to a single fused
    /// consumer (`BatchHandoff`), so no other batch, thread or buffer can read these records while they change. New row i
    /// is written at `i·width` of the own row block. Records whose fields are in that block have them at
    /// row r(j) ≥ j with a stride of `fieldCount` (appends put record j at row j; removing records only
    /// moves them down), so with `width ≤ fieldCount` new row i ends at `(i+1)·width ≤ (i+1)·fieldCount`,
    /// before the row of any later record: each old row is read (just before its record is rewritten)
    /// and never overwritten earlier. A batch whose records are all forwarded uses none of its rows.
    public func rewriteInPlace(schema newSchema: Schema, rows: UnsafeMutablePointer<rv_field>, width: Int, bytesResolved: Bool = false) {
        precondition(canRewriteInPlace(width: width) && newSchema.count == width, "not an in-place rewrite")
        if bytesResolved {
            // The same loop in C (the maps' path: a row copy and two stores per record).
            rv_host_rewrite_rows(records, fieldRows, rows, UInt32(width), count)
        } else {
            for i in 0..<count {
                let source = rows + i * width
                let valid = shareOrCopyBytes(source, width, parentFields: records[i].fields, parentCount: Int(records[i].field_count))
                precondition(valid, "a row to rewrite in place has a NULL pointer with a length")
                let row = fieldRows + i * width
                row.update(from: source, count: width)
                records[i].fields = UnsafePointer(row)
                records[i].field_count = UInt32(width)
            }
        }
        schema = newSchema
        fieldCount = width
        header.pointee.ownRowsUsed = true
    }

    /// Makes the bytes of `count` new rows (`width` fields each, row i meant for record i) independent of
    /// whoever made them: bytes that are not record i's own are copied into this batch's arena (which only
    /// grows), and the rows are changed to point there. For rows kept for later (a deferred rewrite)
    /// while their maker may free or reuse its buffers as soon as its call returns. Returns nil, or the
    /// index of the first row holding a string or bytes field that is NULL with a non-zero length (the
    /// rows before it are resolved; it and the rest are not usable).
    public func resolveBytes(ofRows rows: UnsafeMutablePointer<rv_field>, count n: Int, width: Int) -> Int? {
        precondition(n <= count, "more rows than records")
        // Usually every byte field is the record's own: the C scan finds the few rows that are not.
        var i = rv_host_first_foreign_row(records, rows, UInt32(width), 0, n)
        while i < n {
            guard shareOrCopyBytes(rows + i * width, width, parentFields: records[i].fields, parentCount: Int(records[i].field_count))
            else { return i }
            i = rv_host_first_foreign_row(records, rows, UInt32(width), i + 1, n)
        }
        return nil
    }

    /// Keeps every string or bytes field of `row` that is one of the parent record's own (same pointer
    /// and length; checked at the same position first); copies the bytes of the others into the arena.
    /// Returns false when a field is NULL with a non-zero length (never the parent's own): the row is
    /// invalid, and fields before it may already point at copies.
    @inline(__always)
    private func shareOrCopyBytes(_ row: UnsafeMutablePointer<rv_field>, _ width: Int, parentFields: UnsafePointer<rv_field>?, parentCount: Int)
        -> Bool
    {
        for i in 0..<width {
            let type = row[i].type
            guard type == RV_TYPE_STRING || type == RV_TYPE_BYTES, row[i].len > 0 else { continue }
            guard let bytes = row[i].value.ptr else { return false }
            let length = row[i].len
            if let parentFields {
                if i < parentCount, parentFields[i].value.ptr == bytes, parentFields[i].len == length,
                    parentFields[i].type == RV_TYPE_STRING || parentFields[i].type == RV_TYPE_BYTES
                {
                    continue
                }
                var shared = false
                for k in 0..<parentCount where parentFields[k].value.ptr == bytes && parentFields[k].len == length {
                    if parentFields[k].type == RV_TYPE_STRING || parentFields[k].type == RV_TYPE_BYTES {
                        shared = true
                        break
                    }
                }
                if shared { continue }
            }
            row[i].value.ptr = arena.copy(bytes, count: Int(length))
        }
        return true
    }

    /// Appends record `index` of `parent` with its field row copied into this batch (field structs only:
    /// their bytes stay in `parent`, which is retained). Fields past the parent's count start NULL; change
    /// any with `setField`. Returns the new record's index. For operators that add or replace a few fields.
    @inlinable
    public func appendDerived(from parent: RecordBatch, index: Int) -> Int {
        precondition(count < capacity, "batch is full")
        precondition(fieldCount >= parent.fieldCount, "a derived record keeps every field of its parent")
        let row = fieldRows + count * fieldCount
        header.pointee.ownRowsUsed = true
        let source = parent.records[index]
        if parent.fieldCount > 0 { row.initialize(from: source.fields, count: parent.fieldCount) }
        (row + parent.fieldCount).initialize(repeating: rv_field(), count: fieldCount - parent.fieldCount)
        var r = source
        r.fields = fieldCount == 0 ? nil : UnsafePointer(row)
        r.field_count = UInt32(fieldCount)
        records[count] = r
        watermarks[count] = parent.watermarks[index]
        header.pointee.count += 1
        if header.pointee.lastParent != UnsafeRawPointer(Unmanaged.passUnretained(parent).toOpaque()) { retain(parent) }
        return count - 1
    }

    /// Keeps `parent` alive as long as this batch (a batch has few distinct parents: a linear scan).
    public func retain(_ parent: RecordBatch) {
        header.pointee.lastParent = UnsafeRawPointer(Unmanaged.passUnretained(parent).toOpaque())
        if !parents.list.contains(where: { $0 === parent }) { parents.list.append(parent) }
    }

    /// Appends a copy of `record`: its fields, their bytes, key, value and headers are copied, so the
    /// caller keeps ownership of everything. Returns false when `record.field_count` does not match.
    @discardableResult
    public func append(copying record: UnsafePointer<rv_record>) -> Bool {
        precondition(count < capacity, "batch is full")
        let source = record.pointee
        guard Int(source.field_count) == fieldCount, fieldCount == 0 || source.fields != nil else { return false }
        let row = fieldRows + count * fieldCount
        header.pointee.ownRowsUsed = true
        var copy = source
        copy.key = nil
        for i in 0..<fieldCount {
            var f = source.fields[i]
            if f.type == RV_TYPE_STRING || f.type == RV_TYPE_BYTES {
                let original = f.value.ptr
                f.value.ptr = arena.copy(original, count: Int(f.len))
                // The key is usually one of the fields' bytes: share the copy instead of copying twice.
                if copy.key == nil, source.key == original, source.key_len == UInt64(f.len) { copy.key = f.value.ptr }
            }
            row[i] = f
        }
        copy.fields = fieldCount == 0 ? nil : UnsafePointer(row)
        if copy.key == nil { copy.key = arena.copy(source.key, count: Int(source.key_len)) }
        copy.value = source.value_len > 0 ? arena.copy(source.value, count: Int(source.value_len)) : nil
        copy.headers = source.header_count > 0 ? copyHeaders(source.headers, count: Int(source.header_count)) : nil
        records[count] = copy
        watermarks[count] = .min
        header.pointee.count += 1
        return true
    }

    private func copyHeaders(_ headers: UnsafePointer<rv_header>?, count: Int) -> UnsafePointer<rv_header>? {
        guard count > 0, let headers else { return nil }
        let raw = arena.allocate(count * MemoryLayout<rv_header>.stride, alignment: MemoryLayout<rv_header>.alignment)
        let out = raw.bindMemory(to: rv_header.self, capacity: count)
        for i in 0..<count {
            let h = headers[i]
            let name = h.name.map { String(cString: $0) } ?? ""
            out[i] = rv_header(
                name: arena.copyCString(name).pointer, value: arena.copy(h.value, count: Int(h.value_len)),
                value_len: h.value_len)
        }
        return UnsafePointer(out)
    }

    // MARK: Building records in place (sources, codecs, host operators)

    /// Starts a new record with every field NULL and returns its index; fill it with `setField`,
    /// `setKey`, `setValue` and `setTimestamp`.
    @inlinable
    public func appendEmpty(timestamp: Int64 = 0, partition: Int32 = -1, offset: Int64 = -1) -> Int {
        precondition(count < capacity, "batch is full")
        let row = fieldRows + count * fieldCount
        header.pointee.ownRowsUsed = true
        row.initialize(repeating: rv_field(), count: fieldCount)
        records[count] = rv_record(
            key: nil, value: nil, fields: fieldCount == 0 ? nil : UnsafePointer(row), headers: nil, key_len: 0,
            value_len: 0, timestamp: timestamp, offset: offset, partition: partition,
            field_count: UInt32(fieldCount), header_count: 0, op: RV_OP_INSERT)
        watermarks[count] = .min
        header.pointee.count += 1
        return count - 1
    }

    /// Appends a record whose every field `fill` writes directly into its row (no NULL pre-fill): the
    /// fastest way for a source to build records. `fill` must write all `fieldCount` fields; its string
    /// values must point into this batch's arena or a batch this one retains. Returns the record's index.
    @inlinable
    public func appendRow(
        key: UnsafePointer<UInt8>?, keyLength: Int, timestamp: Int64, partition: Int32, offset: Int64,
        fill: (UnsafeMutablePointer<rv_field>) -> Void
    ) -> Int {
        precondition(count < capacity, "batch is full")
        let row = fieldRows + count * fieldCount
        header.pointee.ownRowsUsed = true
        fill(row)
        records[count] = rv_record(
            key: key, value: nil, fields: fieldCount == 0 ? nil : UnsafePointer(row), headers: nil,
            key_len: UInt64(keyLength), value_len: 0, timestamp: timestamp, offset: offset, partition: partition,
            field_count: UInt32(fieldCount), header_count: 0, op: RV_OP_INSERT)
        watermarks[count] = .min
        header.pointee.count += 1
        return count - 1
    }

    /// Drops the last record (a source that failed to decode it).
    public func removeLast() {
        precondition(count > 0)
        header.pointee.count -= 1
    }

    /// The field row of record `index`, for a decoder filling a record it just appended (computed from the
    /// batch's row block: no dependent load of the record). Valid while the batch lives.
    @inlinable
    public func mutableRow(_ index: Int) -> UnsafeMutablePointer<rv_field> {
        fieldRows + index * fieldCount
    }

    /// Copies `count` bytes into the batch's arena (nil for none); the pointer lives as long as the batch.
    @inlinable
    public func copyBytes(_ bytes: UnsafeRawPointer?, count: Int) -> UnsafePointer<UInt8>? {
        arena.copy(bytes, count: count)
    }

    /// Sets field `field` of record `index` (a record this batch is still building).
    @inlinable
    public func setField(_ index: Int, _ field: Int, _ value: rv_field) {
        UnsafeMutablePointer(mutating: records[index].fields!)[field] = value
    }

    /// Sets a string or bytes field, copying the bytes into the batch.
    @inlinable
    public func setBytesField(
        _ index: Int, _ field: Int, type: FieldType, _ bytes: UnsafeRawPointer?, count byteCount: Int
    ) {
        var f = rv_field()
        f.type = type.rawValue
        f.len = UInt32(byteCount)
        f.value.ptr = arena.copy(bytes, count: byteCount) ?? UnsafePointer(bitPattern: 1)
        if byteCount == 0 { f.value.ptr = nil }
        setField(index, field, f)
    }

    /// Sets a string field from a Swift string.
    public func setStringField(_ index: Int, _ field: Int, _ string: String) {
        var s = string
        s.withUTF8 { setBytesField(index, field, type: .string, $0.baseAddress, count: $0.count) }
    }

    /// Sets the key of record `index` by copying `count` bytes.
    @inlinable
    public func setKey(_ index: Int, _ bytes: UnsafeRawPointer?, count byteCount: Int) {
        records[index].key = arena.copy(bytes, count: byteCount)
        records[index].key_len = UInt64(byteCount)
    }

    /// Sets the key of record `index` to the bytes of one of its own string/bytes fields (no copy).
    @inlinable
    public func setKey(_ index: Int, fromField field: Int) {
        let f = records[index].fields[field]
        if FieldType(rawValue: f.type)?.isBytesLike == true {
            records[index].key = f.value.ptr
            records[index].key_len = UInt64(f.len)
        } else if f.type != FieldType.null.rawValue {
            var v = f.value.i64
            withUnsafeBytes(of: &v) { setKey(index, $0.baseAddress, count: 8) }
        }
    }

    /// Sets the raw value of record `index` by copying `count` bytes.
    @inlinable
    public func setValue(_ index: Int, _ bytes: UnsafeRawPointer?, count byteCount: Int) {
        records[index].value = arena.copy(bytes, count: byteCount)
        records[index].value_len = UInt64(byteCount)
    }

    @inlinable
    public func setTimestamp(_ index: Int, _ timestamp: Int64) {
        records[index].timestamp = timestamp
    }

    /// Sets the source position of record `index` (for replay).
    @inlinable
    public func setPosition(_ index: Int, partition: Int32, offset: Int64) {
        records[index].partition = partition
        records[index].offset = offset
    }

    @inlinable
    public func setOp(_ index: Int, _ op: UInt32) {
        records[index].op = op
    }

    /// The watermark of the stream just before record `index` (`Int64.min`: not known).
    @inlinable
    public func watermarkBefore(_ index: Int) -> Int64 { watermarks[index] }

    /// Sets the watermark in effect just before record `index` (sources and host operators).
    @inlinable
    public func setWatermarkBefore(_ index: Int, _ watermark: Int64) {
        watermarks[index] = watermark
    }

    /// Removes the records at `indexes` (ascending) from a batch still being built, keeping the others
    /// in order (a source dropping records it dead-lettered after decoding).
    public func remove(sortedIndexes indexes: [Int]) {
        guard !indexes.isEmpty else { return }
        var write = indexes[0], next = 0
        for read in indexes[0]..<count {
            if next < indexes.count && indexes[next] == read { next += 1; continue }
            records[write] = records[read]
            watermarks[write] = watermarks[read]
            write += 1
        }
        header.pointee.count = write
    }
}
