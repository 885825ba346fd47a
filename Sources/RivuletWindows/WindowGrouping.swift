// WindowGrouping: where a window operator's group key comes from: a field of the record, or none.
import CRivulet
import RivuletCore

/// The group key of a record: the bytes of field `field` (numbers by their 8 bytes) tagged with the
/// field's type, or one empty key for all records when there is no field.
struct WindowGrouping {
    let field: Int?
    let name: String?
    let type: FieldType

    @inline(__always)
    func key(of record: UnsafePointer<rv_record>, in keys: KeyTable) -> Int32 {
        guard let field else { return keys.id(nil, 0, type: 0) }
        var f = record.pointee.fields[field]
        if f.type == FieldType.string.rawValue || f.type == FieldType.bytes.rawValue {
            return keys.id(f.value.ptr, Int(f.len), type: f.type)
        }
        if f.type == FieldType.null.rawValue { return keys.id(nil, 0, type: f.type) }
        return withUnsafeBytes(of: &f.value.i64) { keys.id($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 8, type: f.type) }
    }

    /// Writes key `id` as field 0 of output record `index` (and as its record key).
    func write(_ id: Int32, from keys: KeyTable, into batch: RecordBatch, index: Int) {
        guard field != nil else { return }
        let bytes = keys.bytes(of: id)
        let type = keys.type(of: id)
        if type == FieldType.string.rawValue || type == FieldType.bytes.rawValue {
            batch.setBytesField(index, 0, type: FieldType(rawValue: type)!, bytes.baseAddress, count: bytes.count)
            batch.setKey(index, fromField: 0)
        } else if type != FieldType.null.rawValue, bytes.count == 8 {
            var f = rv_field()
            f.type = type
            f.value.i64 = UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(as: Int64.self)
            batch.setField(index, 0, f)
            batch.setKey(index, fromField: 0)
        }
    }
}
