// ConfigJSON: reads the JSON document the host serves as the whole configuration into `ConfigValue`s.

/// The host serves an operator's whole configuration as one JSON object (`config_get(ctx, "")`, see
/// docs/ABI.md); this parses it. Integers without a fraction or exponent that fit in 64 bits become
/// `.int`, other numbers `.double`. Mappings keep their order and learn their path. A malformed document
/// is an error (the host never sends one).
struct ConfigJSON {
    private let bytes: [UInt8]
    private var i = 0

    private init(_ text: String) { bytes = Array(text.utf8) }

    /// The root mapping of `text`.
    static func parse(_ text: String) throws -> ConfigMap {
        var parser = ConfigJSON(text)
        parser.skipSpace()
        let value = try parser.value(path: "")
        parser.skipSpace()
        guard parser.i == parser.bytes.count, case .map(let root) = value else { throw parser.failure("a single JSON object") }
        return root
    }

    private func failure(_ expected: String) -> ConfigError {
        ConfigError(path: "", "the host sent malformed JSON configuration: expected \(expected) at byte \(i)")
    }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        let l = Array(literal.utf8)
        guard i + l.count <= bytes.count, Array(bytes[i..<i + l.count]) == l else { throw failure("'\(literal)'") }
        i += l.count
    }

    private mutating func value(path: String) throws -> ConfigValue {
        guard i < bytes.count else { throw failure("a value") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return .map(try object(path: path))
        case UInt8(ascii: "["): return try array(path: path)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return try number()
        }
    }

    private mutating func object(path: String) throws -> ConfigMap {
        i += 1
        var entries: [(key: String, value: ConfigValue)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return ConfigMap(path: path, entries: entries) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure("a key") }
            let key = try string()
            skipSpace()
            try expect(":")
            skipSpace()
            entries.append((key, try value(path: path.isEmpty ? key : "\(path).\(key)")))
            skipSpace()
            guard i < bytes.count else { throw failure("'}'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            try expect("}")
            return ConfigMap(path: path, entries: entries)
        }
    }

    private mutating func array(path: String) throws -> ConfigValue {
        i += 1
        var items: [ConfigValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
        while true {
            skipSpace()
            items.append(try value(path: "\(path)[\(items.count)]"))
            skipSpace()
            guard i < bytes.count else { throw failure("']'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            try expect("]")
            return .list(items)
        }
    }

    private mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { throw failure("an escape") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: \uD83D\uDE00.
                        try expect("\\u")
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("a low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
                default: throw failure("a valid escape")
                }
            default:
                out.append(c)
            }
        }
        throw failure("a closing quote")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw failure("four hex digits")
        }
        i += 4
        return v
    }

    private mutating func number() throws -> ConfigValue {
        let start = i
        var integral = true
        while i < bytes.count, let c = Optional(bytes[i]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
                || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(c)
        {
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { integral = false }
            i += 1
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if integral, let v = Int64(text) { return .int(v) }
        guard !text.isEmpty, let d = Double(text) else { throw failure("a value") }
        return .double(d)
    }
}
