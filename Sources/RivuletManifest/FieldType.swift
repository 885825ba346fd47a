// FieldType: the value types a field of a declared schema can have.

/// The type of a schema field, as written in a manifest (`amount: f64`).
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    /// A signed 64-bit integer.
    case i64
    /// A 64-bit floating-point number.
    case f64
    /// `true` or `false`.
    case bool
    /// UTF-8 text.
    case string
    /// Raw bytes.
    case bytes
    /// A point in time.
    case timestamp
}
