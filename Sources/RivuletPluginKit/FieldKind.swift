// FieldKind and FieldValue: field types and values as plugins see them, mirroring RV_TYPE_*.

/// The type of a field (RV_TYPE_* of rivulet.h).
public enum FieldKind: UInt32, Sendable {
    case null = 0, i64, f64, bool, string, bytes, timestamp
}

/// A field value to emit.
public enum FieldValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case timestamp(Int64)
}
