// JSONScanner: a small, allocation-light tokenizer for one JSON text held in a borrowed buffer.

/// Reads JSON tokens from a byte buffer. Used by the JSON lines decoder; understands the whole JSON
/// grammar well enough to skip nested values it does not need.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var peek: UInt8? {
        mutating get {
            skipSpace()
            return i < bytes.count ? bytes[i] : nil
        }
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
    }

    mutating func expect(_ byte: UInt8) throws(DecodeFailure) {
        guard peek == byte else {
            throw DecodeFailure("invalid JSON at column \(i + 1): expected '\(Character(Unicode.Scalar(byte)))'")
        }
        i += 1
    }

    mutating func consumeIf(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        i += 1
        return true
    }

    mutating func expectEnd() throws(DecodeFailure) {
        skipSpace()
        guard i == bytes.count else { throw DecodeFailure("invalid JSON at column \(i + 1): trailing characters") }
    }

    mutating func consumeLiteral(_ word: StaticString) -> Bool {
        skipSpace()
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// The characters of a number token (validated later by the field's parser).
    /// A byte of a JSON number: a digit, a sign, the decimal point or an exponent mark.
    @inline(__always) static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }

    mutating func numberText() -> [UInt8] {
        skipSpace()
        let start = i
        while i < bytes.count, Self.isNumberByte(bytes[i]) { i += 1 }
        return Array(bytes[start..<i])
    }

    /// A string token, unescaped, as UTF-8 bytes.
    mutating func string() throws(DecodeFailure) -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return out }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                continue
            }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
                else { throw DecodeFailure("invalid JSON: bad \\u escape") }
                i += 4
                var scalarValue = code
                // A high surrogate and a low one (`\ud83d\ude00`) make one scalar; a lone one becomes U+FFFD.
                if (0xD800..<0xDC00).contains(code), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                    let low = UInt32(String(decoding: bytes[i + 2..<i + 6], as: UTF8.self), radix: 16), (0xDC00...0xDFFF).contains(low)
                {
                    scalarValue = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalarValue) ?? "\u{FFFD}")).utf8))
            default: out.append(e)
            }
        }
        throw DecodeFailure("invalid JSON: unterminated string")
    }

    /// Arrays and objects nest at most this deep (deeper input is refused, not a stack overflow).
    static let maximumDepth = 512
    private var depth = 0

    /// Skips any value: string, number, literal, object or array.
    mutating func skipValue() throws(DecodeFailure) {
        switch peek {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw DecodeFailure("JSON nested deeper than \(Self.maximumDepth) levels") }
            let close = peek == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            if consumeIf(close) { return }
            repeat {
                if isObject {
                    _ = try string()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue()
            } while consumeIf(UInt8(ascii: ","))
            try expect(close)
        default:
            if consumeLiteral("true") || consumeLiteral("false") || consumeLiteral("null") { return }
            if numberText().isEmpty { throw DecodeFailure("invalid JSON at column \(i + 1): unexpected character") }
        }
    }
}
