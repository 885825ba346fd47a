// Batch and Record: safe, borrowed views of the host's rv_batch and rv_record.

/// A borrowed batch: valid only during the callback that received it.
public struct Batch {
    public let raw: UnsafePointer<rv_batch>

    public var count: Int { Int(raw.pointee.count) }

    public subscript(index: Int) -> Record {
        let base = UnsafeRawPointer(raw.pointee.records!) + index * Int(raw.pointee.record_size)
        return Record(raw: base.assumingMemoryBound(to: rv_record.self), index: index)
    }
}

/// A borrowed record: its key, raw value, time, and typed fields by index.
public struct Record {
    public let raw: UnsafePointer<rv_record>
    /// Its index in the batch (for `RecordError` and `forward`).
    public let index: Int

    public var timestamp: Int64 { raw.pointee.timestamp }
    public var fieldCount: Int { Int(raw.pointee.field_count) }

    public func kind(_ field: Int) -> FieldKind { FieldKind(rawValue: raw.pointee.fields[field].type) ?? .null }

    /// The value of an i64, timestamp or bool field (nil when NULL or another type).
    public func int(_ field: Int) -> Int64? {
        let f = raw.pointee.fields[field]
        return [FieldKind.i64, .timestamp, .bool].contains(FieldKind(rawValue: f.type) ?? .null) ? f.value.i64 : nil
    }

    /// A numeric field as a double (i64 converted), nil when NULL or not numeric.
    public func double(_ field: Int) -> Double? {
        let f = raw.pointee.fields[field]
        switch FieldKind(rawValue: f.type) {
        case .f64: return f.value.f64
        case .i64: return Double(f.value.i64)
        default: return nil
        }
    }

    /// The bytes of a string or bytes field, borrowed (nil when NULL or another type).
    public func bytes(_ field: Int) -> UnsafeRawBufferPointer? {
        let f = raw.pointee.fields[field]
        guard f.type == FieldKind.string.rawValue || f.type == FieldKind.bytes.rawValue else { return nil }
        return UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len))
    }

    /// A string field as a Swift string (copies).
    public func string(_ field: Int) -> String? {
        bytes(field).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The record's raw value bytes (schema-less streams).
    public var value: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.value, count: Int(raw.pointee.value_len))
    }

    public var key: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.key, count: Int(raw.pointee.key_len))
    }
}
