// OutputRow: the fields of a record being emitted, set by index; values land in reusable scratch memory.
internal import CRivulet

/// The row of fields of a record being emitted, handed to the closure of an `emit` call. Set fields by
/// index: `row[2] = .double(x)`, `row.set(2, double: x)`, `row.set(0, from: record, field: 3)`. A derived
/// row starts as a copy of its input record's fields (those the output has; the rest NULL), a new
/// record's row all NULL.
///
/// Costs: scalars are stored in place; a string or bytes value is copied into the context's scratch
/// memory, which is reused from call to call (no allocation once it has grown to a call's needs); a field
/// taken from an input record is shared with it, not copied (the host shares it too). Valid only inside
/// the closure that received it.
public struct OutputRow {
    let fields: UnsafeMutablePointer<rv_field>
    /// How many fields the row has (the output port's schema).
    public let count: Int
    let scratch: UnsafeMutablePointer<EmitScratch>

    init(fields: UnsafeMutablePointer<rv_field>, count: Int, scratch: UnsafeMutablePointer<EmitScratch>) {
        self.fields = fields
        self.count = count
        self.scratch = scratch
    }

    @inline(__always)
    private func check(_ index: Int) {
        precondition(index >= 0 && index < count, "field \(index) is outside the output row of \(count) fields")
    }

    /// Starts the row from `record`: its first `count` fields (shared), NULL past its fields.
    func start(from record: Record) {
        let kept = min(count, record.fieldCount)
        if kept > 0 { fields.update(from: record.raw.pointee.fields, count: kept) }
        if kept < count { (fields + kept).update(repeating: rv_field(), count: count - kept) }
    }

    /// Starts an all-NULL row.
    func startEmpty() {
        if count > 0 { fields.update(repeating: rv_field(), count: count) }
    }

    /// Field `index` (reading copies a string or bytes value); setting it is `set(_:_:)`.
    public subscript(index: Int) -> FieldValue {
        get {
            check(index)
            return FieldValue(fields[index])
        }
        nonmutating set { set(index, newValue) }
    }

    /// Sets field `index` to `value` (a string's or bytes' contents are copied to scratch memory).
    public func set(_ index: Int, _ value: FieldValue) {
        check(index)
        switch value {
        case .string(var s): s.withUTF8 { setBytes(index, UnsafeRawBufferPointer($0), kind: .string) }
        case .bytes(let b): b.withUnsafeBytes { setBytes(index, $0, kind: .bytes) }
        default: fields[index] = value.scalarField!
        }
    }

    public func setNull(_ index: Int) {
        check(index)
        fields[index] = rv_field()
    }

    public func set(_ index: Int, int value: Int64) {
        check(index)
        var f = rv_field()
        f.type = FieldKind.i64.rawValue
        f.value.i64 = value
        fields[index] = f
    }

    public func set(_ index: Int, double value: Double) {
        check(index)
        var f = rv_field()
        f.type = FieldKind.f64.rawValue
        f.value.f64 = value
        fields[index] = f
    }

    public func set(_ index: Int, bool value: Bool) {
        check(index)
        var f = rv_field()
        f.type = FieldKind.bool.rawValue
        f.value.i64 = value ? 1 : 0
        fields[index] = f
    }

    /// Sets a timestamp field (ms since the epoch).
    public func set(_ index: Int, timestamp value: Int64) {
        check(index)
        var f = rv_field()
        f.type = FieldKind.timestamp.rawValue
        f.value.i64 = value
        fields[index] = f
    }

    /// Sets a string field to `value` (its UTF-8 bytes are copied to scratch memory).
    public func set(_ index: Int, string value: String) {
        set(index, .string(value))
    }

    /// Sets a string field to UTF-8 `bytes` (copied to scratch memory).
    public func set(_ index: Int, utf8 bytes: UnsafeRawBufferPointer) {
        check(index)
        setBytes(index, bytes, kind: .string)
    }

    /// Sets a bytes field (copied to scratch memory).
    public func set(_ index: Int, bytes: UnsafeRawBufferPointer) {
        check(index)
        setBytes(index, bytes, kind: .bytes)
    }

    /// Sets field `index` to field `field` of input record `record`, shared (not copied): the cheapest
    /// way to move or duplicate a string. NULL when the record has no such field.
    public func set(_ index: Int, from record: Record, field: Int) {
        check(index)
        fields[index] = record.cField(field) ?? rv_field()
    }

    private func setBytes(_ index: Int, _ bytes: UnsafeRawBufferPointer, kind: FieldKind) {
        var f = rv_field()
        f.type = kind.rawValue
        f.len = UInt32(bytes.count)
        f.value.ptr = scratch.pointee.arena.copy(bytes)
        fields[index] = f
    }
}
