// FieldValue: one field's value as a Swift value, to emit or read (strings and bytes copied).
internal import CRivulet

/// A field value. Reading one from a record copies its string or bytes; setting one on an emitted row
/// copies them into the context's scratch memory (no allocation once that memory has grown).
public enum FieldValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case timestamp(Int64)

    /// Its type.
    public var kind: FieldKind {
        switch self {
        case .null: .null
        case .int: .i64
        case .double: .f64
        case .bool: .bool
        case .string: .string
        case .bytes: .bytes
        case .timestamp: .timestamp
        }
    }

    /// The value of a C field (copying its bytes).
    init(_ f: rv_field) {
        switch FieldKind(rawValue: f.type) ?? .null {
        case .null: self = .null
        case .i64: self = .int(f.value.i64)
        case .f64: self = .double(f.value.f64)
        case .bool: self = .bool(f.value.i64 != 0)
        case .timestamp: self = .timestamp(f.value.i64)
        case .string: self = .string(String(decoding: UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)), as: UTF8.self))
        case .bytes: self = .bytes(Array(UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len))))
        }
    }

    /// The C field of a scalar value (nil for strings and bytes, which need memory to point to).
    var scalarField: rv_field? {
        var f = rv_field()
        switch self {
        case .null: break
        case .int(let v): f.type = FieldKind.i64.rawValue; f.value.i64 = v
        case .double(let v): f.type = FieldKind.f64.rawValue; f.value.f64 = v
        case .bool(let v): f.type = FieldKind.bool.rawValue; f.value.i64 = v ? 1 : 0
        case .timestamp(let v): f.type = FieldKind.timestamp.rawValue; f.value.i64 = v
        case .string, .bytes: return nil
        }
        return f
    }
}
