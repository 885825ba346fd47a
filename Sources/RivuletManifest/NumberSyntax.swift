// NumberSyntax: recognises YAML integers, floats and booleans in scalar text.

/// The scalar syntaxes the manifest reads as numbers and booleans (YAML 1.2 core schema, plus `_` digit
/// separators: `1_000_000`).
enum NumberSyntax {
    /// A decimal (`-12`, `+3`, `1_000`), hexadecimal (`0x1F`) or octal (`0o17`) integer.
    static func integer(_ text: String) -> Int64? {
        guard let digits = separatorsRemoved(text) else { return nil }
        if isRadixLiteral(digits) { return unsignedRadix(digits).flatMap { Int64(exactly: $0) } }
        let negative = digits.hasPrefix("-")
        let body = digits.hasPrefix("-") || digits.hasPrefix("+") ? digits.dropFirst() : Substring(digits)
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(negative ? "-" + body : String(body))
    }

    /// A non-negative integer that fits in 64 unsigned bits (for seeds).
    static func unsigned(_ text: String) -> UInt64? {
        guard let digits = separatorsRemoved(text) else { return nil }
        if isRadixLiteral(digits) { return unsignedRadix(digits) }
        let body = digits.hasPrefix("+") ? digits.dropFirst() : Substring(digits)
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(body)
    }

    /// Any YAML number: an integer, or a float such as `0.92`, `-1.5e3`, `.5`, `.inf`, `-.inf`, `.nan`.
    static func double(_ text: String) -> Double? {
        if let integer = integer(text) { return Double(integer) }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard let digits = separatorsRemoved(text) else { return nil }
        // Digits, signs, '.' and an exponent only: Double("inf") or Double("0x1p3") must not pass as YAML floats.
        let allowed = Set("0123456789+-.eE")
        guard digits.contains(where: \.isNumber), digits.allSatisfy({ allowed.contains($0) }) else { return nil }
        return Double(digits)
    }

    /// `true`/`True`/`TRUE` or `false`/`False`/`FALSE`.
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// The text without `_` separators; nil when it is empty or starts or ends with one.
    private static func separatorsRemoved(_ text: String) -> String? {
        guard !text.isEmpty, !text.hasPrefix("_"), !text.hasSuffix("_") else { return nil }
        return String(text.filter { $0 != "_" })
    }

    private static func isRadixLiteral(_ digits: String) -> Bool {
        digits.hasPrefix("0x") || digits.hasPrefix("0o")
    }

    /// The value of `0x…` (hexadecimal) or `0o…` (octal) text.
    private static func unsignedRadix(_ digits: String) -> UInt64? {
        let body = digits.dropFirst(2)
        guard !body.isEmpty, body.allSatisfy(\.isHexDigit) else { return nil }
        return UInt64(body, radix: digits.hasPrefix("0x") ? 16 : 8)
    }
}
