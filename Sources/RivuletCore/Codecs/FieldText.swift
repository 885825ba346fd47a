// FieldText: converts field values to and from their text form (CSV cells, lines, config values).
import CRivulet
import Foundation

/// Parses text into typed field values and renders values as text. Shared by every text codec so that
/// a value reads and writes the same way in CSV, JSON lines and messages.
public enum FieldText {
    /// Why a text could not be read as a type.
    public struct ParseFailure: Error, Sendable {
        public let message: String
    }

    /// Parses `bytes` as `type`. Strings and bytes are not handled here (they are slices, not parsed).
    /// Empty text is NULL for every non-string type. A timestamp reads epoch milliseconds or an RFC 3339
    /// date-time.
    public static func parse(_ bytes: UnsafeRawBufferPointer, as type: FieldType) throws(ParseFailure) -> rv_field {
        var f = rv_field()
        if bytes.isEmpty { return f }
        switch type {
        case .i64:
            guard let v = parseInt(bytes) else { throw failure(bytes, type) }
            f.type = type.rawValue
            f.value.i64 = v
        case .timestamp:
            // Epoch milliseconds, or an RFC 3339 date-time (held as its epoch milliseconds).
            guard let v = parseInt(bytes) ?? RFC3339.milliseconds(bytes) else {
                throw ParseFailure(
                    message:
                        "'\(String(decoding: bytes.prefix(64), as: UTF8.self))' is not a valid timestamp (epoch milliseconds, or an RFC 3339 date-time such as 2026-03-01T09:00:05Z)"
                )
            }
            f.type = type.rawValue
            f.value.i64 = v
        case .f64:
            guard let v = parseDouble(bytes) else { throw failure(bytes, type) }
            f.type = type.rawValue
            f.value.f64 = v
        case .bool:
            switch String(decoding: bytes, as: UTF8.self).lowercased() {
            case "true", "1", "yes": f.value.i64 = 1
            case "false", "0", "no": f.value.i64 = 0
            default: throw failure(bytes, type)
            }
            f.type = type.rawValue
        case .string, .bytes, .null:
            break
        }
        return f
    }

    private static func failure(_ bytes: UnsafeRawBufferPointer, _ type: FieldType) -> ParseFailure {
        ParseFailure(message: "'\(String(decoding: bytes.prefix(64), as: UTF8.self))' is not a valid \(type)")
    }

    /// Parses a decimal integer with an optional sign; nil on anything else or on overflow.
    @inlinable
    public static func parseInt(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        var negative = false
        let n = bytes.count
        if n > 0 && (bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+")) {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < n else { return nil }
        if n - i <= 18 {
            // At most 18 digits cannot overflow: no checks per digit; eight digits at a time while possible.
            var value: Int64 = 0
            while n - i >= 8 {
                guard let eight = eightDigits(bytes.baseAddress! + i) else { return nil }
                value = value &* 100_000_000 &+ eight
                i &+= 8
            }
            while i < n {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value &* 10 &+ Int64(d)
                i &+= 1
            }
            return negative ? -value : value
        }
        var value: Int64 = 0
        while i < n {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// The value of 8 ASCII digits at `p`, or nil if any byte is not a digit (SWAR: one load, three
    /// multiply-and-mask steps instead of eight dependent multiply-adds).
    @inlinable @inline(__always)
    static func eightDigits(_ p: UnsafeRawPointer) -> Int64? {
        let chunk = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        // Every byte 0x30...0x39: high nibble 3, and adding 6 does not carry out of the low nibble.
        guard chunk & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
            (chunk &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
        else { return nil }
        var v = chunk &- 0x3030_3030_3030_3030
        v = (v &* 10 &+ (v >> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v >> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10000 &+ (v >> 32)) & 0x0000_0000_FFFF_FFFF
        return Int64(v)
    }

    /// Parses a floating-point number (strtod syntax, whole text consumed); nil otherwise.
    public static func parseDouble(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard !bytes.isEmpty else { return nil }
        guard bytes.count < 64 else { return Double(String(decoding: bytes, as: UTF8.self)) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 65) { buffer -> Double? in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            base[bytes.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(base, &end)
            guard let end, end == base + bytes.count, !bytes.isEmpty else { return nil }
            return v
        }
    }

    /// The text of a value: integers in decimal, doubles in Swift's shortest round-trip form, booleans as
    /// `true`/`false`, strings as they are, bytes as they are, NULL as the empty string.
    public static func render(_ f: rv_field) -> String {
        switch FieldType(rawValue: f.type) ?? .null {
        case .null: ""
        case .i64, .timestamp: String(f.value.i64)
        case .f64: formatDouble(f.value.f64)
        case .bool: f.value.i64 != 0 ? "true" : "false"
        case .string, .bytes:
            f.len == 0 ? "" : String(decoding: UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)), as: UTF8.self)
        }
    }

    /// Doubles are written in Swift's shortest round-trip form ("12.5", "100.0", "1e-05").
    public static func formatDouble(_ d: Double) -> String {
        d.description
    }
}
