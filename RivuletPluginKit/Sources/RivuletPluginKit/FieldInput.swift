// FieldInput: one field value handed to an aggregate or a function, borrowed for the call.
internal import CRivulet

/// A field value an aggregate's `add` or a function's `call` receives, borrowed for the call: its type,
/// and typed reads that give nil for NULL or another type.
public struct FieldInput {
    let raw: rv_field

    init(raw: rv_field) { self.raw = raw }

    public var kind: FieldKind { FieldKind(rawValue: raw.type) ?? .null }
    public var isNull: Bool { kind == .null }
    /// An i64, timestamp or bool value.
    public var int: Int64? { [.i64, .timestamp, .bool].contains(kind) ? raw.value.i64 : nil }
    /// A numeric value as a double (i64 and timestamp converted).
    public var double: Double? {
        switch kind {
        case .f64: raw.value.f64
        case .i64, .timestamp: Double(raw.value.i64)
        default: nil
        }
    }
    public var bool: Bool? { kind == .bool ? raw.value.i64 != 0 : nil }
    /// A string or bytes value, borrowed.
    public var bytes: UnsafeRawBufferPointer? {
        guard kind == .string || kind == .bytes else { return nil }
        return UnsafeRawBufferPointer(start: raw.value.ptr, count: Int(raw.len))
    }
    /// A string or bytes value, decoded as UTF-8 (copies).
    public var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
    /// The value as a `FieldValue` (copies).
    public var value: FieldValue { FieldValue(raw) }
}

/// The value an aggregate receives (the name the SDK used first).
public typealias AggregateInput = FieldInput
