// FieldValue: reading and making rv_field values while evaluating expressions.
import CRivulet
import Foundation
import RivuletCore

/// The null value.
let nullField = rv_field()

extension rv_field {
    @inline(__always) var isNull: Bool { type == FieldType.null.rawValue }
    @inline(__always) var isDouble: Bool { type == FieldType.f64.rawValue }
    /// The value as a Double (an f64's, or an integer's converted).
    @inline(__always) var double: Double { isDouble ? value.f64 : Double(value.i64) }
    /// The bytes of a string or bytes value.
    @inline(__always) var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: value.ptr, count: Int(len)) }
    /// A string value as a Swift string (for functions that need one).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The same value with type `type` (an i64 read as f64 or timestamp where an expression's type says so).
    @inline(__always) func converted(to type: FieldType) -> rv_field {
        guard !isNull, self.type != type.rawValue else { return self }
        switch type {
        case .f64: return .double(double)
        case .i64: return .integer(value.i64)
        case .timestamp: return .timestamp(value.i64)
        default: return self
        }
    }
}

/// Compares two non-null values of comparable types: negative, zero or positive.
@inline(__always) func compare(_ a: rv_field, _ b: rv_field) -> Int {
    if a.type == FieldType.string.rawValue || a.type == FieldType.bytes.rawValue {
        let x = a.bytes, y = b.bytes
        let n = min(x.count, y.count)
        if n > 0 {
            let c = memcmp(x.baseAddress!, y.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return x.count - y.count
    }
    if a.isDouble || b.isDouble {
        let x = a.double, y = b.double
        return x < y ? -1 : x > y ? 1 : 0
    }
    return a.value.i64 < b.value.i64 ? -1 : a.value.i64 > b.value.i64 ? 1 : 0
}
