// FieldKind: the type of a field as plugins see it, mirroring RV_TYPE_* of rivulet.h.

/// The type of a field (RV_TYPE_* of rivulet.h).
public enum FieldKind: UInt32, Sendable {
    case null = 0, i64, f64, bool, string, bytes, timestamp
}
