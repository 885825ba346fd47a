// RowCodec: a record's fields as bytes (for state stores) and back into an output record's fields.
import CRivulet
import RivuletCore

/// Encodes chosen fields of a record as `[type u8][length u32][payload]` per field (numbers: 8 bytes;
/// strings and bytes: their bytes), little-endian; decodes them into a batch being built.
public enum RowCodec {
    public static func encode(_ record: UnsafePointer<rv_record>, fields: [Int], into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        append(record, fields: fields, to: &out)
    }

    /// Appends the encoded `fields` of `record` to `out` (after a header of the caller's).
    public static func append(_ record: UnsafePointer<rv_record>, fields: [Int], to out: inout [UInt8]) {
        for f in fields {
            let v = record.pointee.fields[f]
            out.append(UInt8(truncatingIfNeeded: v.type))
            if v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue {
                appendLength(Int(v.len), &out)
                if v.len > 0 { out.append(contentsOf: UnsafeRawBufferPointer(start: v.value.ptr, count: Int(v.len))) }
            } else if v.type == FieldType.null.rawValue {
                appendLength(0, &out)
            } else {
                appendLength(8, &out)
                var bits = v.value.i64.littleEndian
                withUnsafeBytes(of: &bits) { out.append(contentsOf: $0) }
            }
        }
    }

    static func appendLength(_ n: Int, _ out: inout [UInt8]) {
        var v = UInt32(n).littleEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
    }

    /// Writes the fields encoded in `bytes` as fields `first…` of record `index` of `batch` (copying
    /// string bytes into the batch). With `bytes` nil, writes `count` NULLs.
    public static func decode(_ bytes: UnsafeRawBufferPointer?, count: Int, into batch: RecordBatch, index: Int, first: Int) {
        guard let bytes, bytes.count > 0 else {
            for i in 0..<count { batch.setField(index, first + i, rv_field()) }
            return
        }
        var at = 0
        for i in 0..<count {
            guard at + 5 <= bytes.count else { batch.setField(index, first + i, rv_field()); continue }
            let type = UInt32(bytes[at])
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
            at += 5
            if type == FieldType.string.rawValue || type == FieldType.bytes.rawValue {
                batch.setBytesField(
                    index, first + i, type: type == FieldType.string.rawValue ? .string : .bytes, bytes.baseAddress! + at, count: length)
            } else if type == FieldType.null.rawValue {
                batch.setField(index, first + i, rv_field())
            } else {
                var f = rv_field()
                f.type = type
                f.value.i64 = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self))
                batch.setField(index, first + i, f)
            }
            at += length
        }
    }

    /// Whether `bytes` holds exactly `count` fields laid out as `encode` writes them: known types, numbers
    /// of 8 bytes, NULLs of none, every length within the bytes. Checked on rows read back from a checkpoint
    /// (`decode` trusts its input), so a damaged one is refused instead of read out of bounds.
    public static func isValid(_ bytes: UnsafeRawBufferPointer, count: Int) -> Bool {
        var at = 0
        for _ in 0..<count {
            guard bytes.count - at >= 5, let type = FieldType(rawValue: UInt32(bytes[at])) else { return false }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
            at += 5
            switch type {
            case .string, .bytes: guard length <= bytes.count - at else { return false }
            case .null: guard length == 0 else { return false }
            default: guard length == 8, bytes.count - at >= 8 else { return false }
            }
            at += length
        }
        return at == bytes.count
    }

    /// Calls `body` with the key bytes of field `field` in place (no copy), or returns nil without
    /// calling it when the key is NULL or empty — the same key as `key(_:field:)`.
    @inline(__always)
    public static func withKey<R>(_ record: UnsafePointer<rv_record>, field: Int, _ body: (UnsafeRawBufferPointer) throws -> R?) rethrows -> R? {
        var v = record.pointee.fields[field]
        if v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue {
            return v.len == 0 ? nil : try body(UnsafeRawBufferPointer(start: v.value.ptr, count: Int(v.len)))
        }
        if v.type == FieldType.null.rawValue { return nil }
        return try withUnsafeBytes(of: &v.value.i64) { try body($0) }
    }

    /// Whether every field of `fields` in `record` is NULL or empty (a tombstone: the delete of its key).
    public static func isTombstone(_ record: UnsafePointer<rv_record>, fields: [Int]) -> Bool {
        if record.pointee.op == RV_OP_DELETE || record.pointee.op == RV_OP_UPDATE_BEFORE { return true }
        // A table of keys only (an allow-list): only a delete op removes a row.
        if fields.isEmpty { return false }
        for f in fields {
            let v = record.pointee.fields[f]
            if v.type == FieldType.null.rawValue { continue }
            if (v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue) && v.len == 0 { continue }
            return false
        }
        return true
    }

    /// The bytes of field `field` of `record` as a key (numbers: their 8 bytes); nil when it is NULL or an
    /// empty string (a CSV cannot tell them apart): a record without a key matches nothing.
    public static func key(_ record: UnsafePointer<rv_record>, field: Int) -> [UInt8]? {
        var v = record.pointee.fields[field]
        if v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue {
            return v.len == 0 ? nil : Array(UnsafeRawBufferPointer(start: v.value.ptr, count: Int(v.len)))
        }
        if v.type == FieldType.null.rawValue { return nil }
        return withUnsafeBytes(of: &v.value.i64) { Array($0) }
    }
}
