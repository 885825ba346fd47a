// JSONMember: the top-level members of a JSON object line, as `rivulet kafka produce` reads keys and timestamps.
import Foundation

/// The value of a top-level member of a JSON object: a string (unescaped), a number (its text as
/// written), or something else (named for messages).
enum JSONMember: Equatable {
    case string(String)
    case number(String)
    /// `null`, `true`, `false`, `an object` or `an array`.
    case other(String)

    /// Why a line is not a JSON object.
    struct Malformed: Error {
        let message: String
    }

    /// The members of the object `line` whose names are in `names` (a name given twice: its last value).
    /// The object's top level is checked (members, strings, numbers, literals, and that nothing follows
    /// it); nested objects and arrays are skipped by matching brackets, not checked.
    static func members(_ names: Set<String>, of line: UnsafeRawBufferPointer) throws(Malformed) -> [String: JSONMember] {
        var cursor = Cursor(bytes: line)
        var found: [String: JSONMember] = [:]
        try cursor.expect("{")
        if !cursor.consume("}") {
            repeat {
                let name = try cursor.string()
                try cursor.expect(":")
                let value = try cursor.value()
                if names.contains(name) { found[name] = value }
            } while cursor.consume(",")
            try cursor.expect("}")
        }
        cursor.skipSpace()
        if cursor.i < line.count { throw cursor.failure("unexpected text after the object") }
        return found
    }

    /// A position in a line of JSON.
    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        func failure(_ what: String) -> Malformed { Malformed(message: "\(what) at column \(i + 1)") }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
        }

        /// Skips spaces, then `byte` if it is next.
        mutating func consume(_ byte: Unicode.Scalar) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(byte.value) else { return false }
            i += 1
            return true
        }

        mutating func expect(_ byte: Unicode.Scalar) throws(Malformed) {
            guard consume(byte) else { throw failure("expected '\(byte)'") }
        }

        /// A string token, unescaped (by Foundation's JSON decoder when it holds escapes).
        mutating func string() throws(Malformed) -> String {
            try expect("\"")
            let start = i - 1
            var escaped = false
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == UInt8(ascii: "\\") {
                    escaped = true
                    i += 1
                } else if b == UInt8(ascii: "\"") {
                    let token = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
                    guard escaped else { return String(decoding: token.dropFirst().dropLast(), as: UTF8.self) }
                    guard let text = try? JSONDecoder().decode(String.self, from: Data(token)) else {
                        throw Malformed(message: "a string with an invalid escape at column \(start + 1)")
                    }
                    return text
                } else if b < 0x20 {
                    throw Malformed(message: "a control character inside a string at column \(i)")
                }
            }
            throw Malformed(message: "the string at column \(start + 1) is not closed")
        }

        mutating func value() throws(Malformed) -> JSONMember {
            skipSpace()
            guard i < bytes.count else { throw failure("expected a value") }
            switch bytes[i] {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let kind = bytes[i] == UInt8(ascii: "{") ? "an object" : "an array"
                try skipNested()
                return .other(kind)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                guard Double(text) != nil else { throw Malformed(message: "an invalid number '\(text)' at column \(start + 1)") }
                return .number(text)
            default:
                for word in ["true", "false", "null"] where bytes[i...].starts(with: word.utf8) {
                    i += word.utf8.count
                    return .other(word)
                }
                throw failure("unexpected character")
            }
        }

        /// Skips the object or array starting here, to its matching bracket (strings inside are skipped whole).
        mutating func skipNested() throws(Malformed) {
            let start = i
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    _ = try string()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                i += 1
                if depth == 0 { return }
            }
            throw Malformed(message: "the object or array at column \(start + 1) is not closed")
        }
    }
}
