// JSONPath: one value inside a JSON text (an array field's), by element index and member names.

/// Reads `[n].a.b` out of a JSON text without decoding the rest: the value's text — a string's
/// characters unescaped, any other value as written (`12`, `true`, `{"x":1}`) — or nil when the path
/// leads nowhere or to `null`. Used by expressions on array fields (`items[0].sku`).
public enum JSONPath {
    public enum Step: Sendable, Equatable {
        case element(Int)
        case member(String)
    }

    /// The text at `steps` in `json`; throws when `json` is not valid JSON on the way.
    public static func value(in json: UnsafeRawBufferPointer, at steps: [Step]) throws(DecodeFailure) -> [UInt8]? {
        var scanner = JSONScanner(json)
        for step in steps {
            switch step {
            case .element(let n):
                guard scanner.peek == UInt8(ascii: "[") else { return nil }
                scanner.i += 1
                if scanner.consumeIf(UInt8(ascii: "]")) { return nil }
                var k = 0
                while k < n {
                    try scanner.skipValue()
                    guard scanner.consumeIf(UInt8(ascii: ",")) else { return nil }
                    k += 1
                }
            case .member(let name):
                guard scanner.peek == UInt8(ascii: "{") else { return nil }
                scanner.i += 1
                if scanner.consumeIf(UInt8(ascii: "}")) { return nil }
                let wanted = Array(name.utf8)
                while true {
                    let key = try scanner.string()
                    try scanner.expect(UInt8(ascii: ":"))
                    if key == wanted { break }
                    try scanner.skipValue()
                    guard scanner.consumeIf(UInt8(ascii: ",")) else { return nil }
                }
            }
        }
        if scanner.consumeLiteral("null") { return nil }
        if scanner.peek == UInt8(ascii: "\"") { return try scanner.string() }
        _ = scanner.peek
        let start = scanner.i
        try scanner.skipValue()
        return Array(json[start..<scanner.i])
    }
}
