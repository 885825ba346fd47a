// Record: a borrowed view of one record: key, raw value, time, op, position and typed fields by index.
internal import CRivulet

#if canImport(Glibc)
import Glibc
#endif

/// One record of a batch, borrowed for the callback. Fields are read by index (resolve names once, in
/// `init(context:)`, with `context.inputField`); a read of the wrong type, of a NULL or of an index past
/// the record's fields gives nil. Nothing here allocates except `string` and `field`, which copy.
public struct Record {
    let raw: UnsafePointer<rv_record>
    /// Its index in the batch (for `RecordError`, `RetryLater`, `forward`).
    public let index: Int

    /// The event time (ms since the epoch) the source assigned.
    public var timestamp: Int64 { raw.pointee.timestamp }
    /// How many fields it has (its stream's schema).
    public var fieldCount: Int { Int(raw.pointee.field_count) }
    /// What the record stands for (`.insert` on plain event streams).
    public var op: RecordOp { RecordOp(rawValue: raw.pointee.op) ?? .insert }
    /// Its source partition and offset (for replay), nil when it has none.
    public var partition: Int32? { raw.pointee.partition >= 0 ? raw.pointee.partition : nil }
    public var offset: Int64? { raw.pointee.offset >= 0 ? raw.pointee.offset : nil }

    /// The key bytes it is partitioned and grouped by (borrowed).
    public var key: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.key, count: Int(raw.pointee.key_len))
    }

    /// The raw value bytes (the content of a schema-less stream; borrowed).
    public var value: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.value, count: Int(raw.pointee.value_len))
    }

    /// The value of header `name`, borrowed; nil when absent.
    public func header(_ name: String) -> UnsafeRawBufferPointer? {
        guard let headers = raw.pointee.headers else { return nil }
        for i in 0..<Int(raw.pointee.header_count) {
            guard let n = headers[i].name, name.withCString({ strcmp($0, n) }) == 0 else { continue }
            return UnsafeRawBufferPointer(start: headers[i].value, count: Int(headers[i].value_len))
        }
        return nil
    }

    /// Field `field`, or nil past the record's fields.
    @inline(__always)
    func cField(_ field: Int) -> rv_field? {
        guard field >= 0 && field < Int(raw.pointee.field_count) else { return nil }
        return raw.pointee.fields[field]
    }

    /// The type of field `field` (`.null` when NULL or past the record's fields).
    public func kind(_ field: Int) -> FieldKind { cField(field).flatMap { FieldKind(rawValue: $0.type) } ?? .null }

    /// Whether field `field` is NULL (or past the record's fields).
    public func isNull(_ field: Int) -> Bool { kind(field) == .null }

    /// The value of an i64, timestamp or bool field.
    public func int(_ field: Int) -> Int64? {
        guard let f = cField(field) else { return nil }
        switch FieldKind(rawValue: f.type) {
        case .i64, .timestamp, .bool: return f.value.i64
        default: return nil
        }
    }

    /// A numeric field as a double (an i64 converted).
    public func double(_ field: Int) -> Double? {
        guard let f = cField(field) else { return nil }
        switch FieldKind(rawValue: f.type) {
        case .f64: return f.value.f64
        case .i64: return Double(f.value.i64)
        default: return nil
        }
    }

    /// A bool field.
    public func bool(_ field: Int) -> Bool? {
        guard let f = cField(field), f.type == FieldKind.bool.rawValue else { return nil }
        return f.value.i64 != 0
    }

    /// The bytes of a string or bytes field, borrowed (no copy).
    public func bytes(_ field: Int) -> UnsafeRawBufferPointer? {
        guard let f = cField(field), f.type == FieldKind.string.rawValue || f.type == FieldKind.bytes.rawValue else { return nil }
        return UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len))
    }

    /// A string (or bytes) field as a Swift string (copies).
    public func string(_ field: Int) -> String? {
        bytes(field).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Field `field` as a `FieldValue` (copies strings and bytes); `.null` past the record's fields.
    public func field(_ field: Int) -> FieldValue {
        cField(field).map(FieldValue.init) ?? .null
    }
}
