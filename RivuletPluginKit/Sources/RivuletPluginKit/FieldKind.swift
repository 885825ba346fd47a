// FieldKind: the type of a field as plugins see it, mirroring RV_TYPE_* of rivulet.h.

/// The type of a field (RV_TYPE_* of rivulet.h).
///
/// The SDK's own enum, not the engine's `FieldType` (RivuletCore): the SDK package depends on nothing but
/// its header, so that a plugin depending on it resolves no other package, and it cannot import the
/// engine. The raw values are the C codes; every bridge from a C `type` is failable (an unknown code
/// reads as `.null`, no value), never a force-unwrap: a code comes from memory the SDK does not own. `FieldTypeTests` (main package) pins both enums to the same codes.
public enum FieldKind: UInt32, Sendable {
    case null = 0, i64, f64, bool, string, bytes, timestamp
}
