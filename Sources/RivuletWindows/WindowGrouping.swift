// WindowGrouping: where a window operator's group key comes from: a field of the record, or none.
import CRivulet
import RivuletCore

/// The group key of a record: the bytes of field `field` tagged with the field's type (numbers as 8
/// bytes whose byte order is their numeric order, so windows of numeric keys come out in numeric order),
/// or one empty key for all records when there is no field.
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
        var ordered = Self.orderedBits(f).bigEndian
        return withUnsafeBytes(of: &ordered) { keys.id($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 8, type: f.type) }
    }

    /// A number's 64 bits transformed so that comparing them as unsigned (big-endian bytes, as keys are
    /// ordered) is the numeric order: integers with the sign bit flipped; doubles flipped whole when
    /// negative, else only their sign bit.
    @inline(__always)
    static func orderedBits(_ f: rv_field) -> UInt64 {
        let bits = UInt64(bitPattern: f.value.i64)
        if f.type == FieldType.f64.rawValue { return bits >> 63 == 1 ? ~bits : bits ^ (1 << 63) }
        return bits ^ (1 << 63)
    }

    /// The field value whose `orderedBits` are `ordered`.
    static func value(ofOrderedBits ordered: UInt64, type: UInt32) -> Int64 {
        if type == FieldType.f64.rawValue {
            return Int64(bitPattern: ordered >> 63 == 1 ? ordered ^ (1 << 63) : ~ordered)
        }
        return Int64(bitPattern: ordered ^ (1 << 63))
    }

    /// Writes key `id` as field 0 of output record `index` (and as its record key).
    func write(_ id: Int32, from keys: KeyTable, into batch: RecordBatch, index: Int) {
        guard field != nil else { return }
        let bytes = keys.bytes(of: id)
        let type = keys.type(of: id)
        if let bytesType = FieldType(rawValue: type), bytesType.isBytesLike {
            batch.setBytesField(index, 0, type: bytesType, bytes.baseAddress, count: bytes.count)
            batch.setKey(index, fromField: 0)
        } else if type != FieldType.null.rawValue, bytes.count == 8 {
            var f = rv_field()
            f.type = type
            let ordered = UInt64(bigEndian: UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(as: UInt64.self))
            f.value.i64 = Self.value(ofOrderedBits: ordered, type: type)
            batch.setField(index, 0, f)
            batch.setKey(index, fromField: 0)
        }
    }
}
