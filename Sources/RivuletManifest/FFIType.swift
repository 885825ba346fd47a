// FFIType: the C types an FFI operator's function takes and returns.

/// A C parameter or return type of a function called through FFI.
public enum FFIType: String, Sendable, Hashable, CaseIterable {
    /// `int32_t`.
    case i32
    /// `int64_t`.
    case i64
    /// `float`.
    case f32
    /// `double`.
    case f64
    /// A pointer and a length (`const uint8_t *, size_t`): arguments only, always from a field.
    case bytes
}
