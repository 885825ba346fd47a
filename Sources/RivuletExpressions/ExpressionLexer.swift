// ExpressionLexer: the characters of an expression as tokens, each with its offset.

/// Splits an expression into tokens. Offsets count Unicode scalars (characters of the text as written).
struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private var i = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Every token, ending with `.end`.
    static func tokens(_ text: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(text)
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private static let durationUnits: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]

    private func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
    private func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }

    private mutating func next() throws(ExpressionError) -> ExpressionToken {
        while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
        let start = i
        guard i < scalars.count else { return ExpressionToken(kind: .end, offset: i) }
        let c = scalars[i]
        if ("0"..."9").contains(c) { return try number(start) }
        if c == "'" { return try string(start) }
        if c == "`" {
            i += 1
            var name = ""
            while i < scalars.count, scalars[i] != "`" {
                name.unicodeScalars.append(scalars[i])
                i += 1
            }
            guard i < scalars.count else { throw ExpressionError(start, "a name opened with ` is not closed") }
            i += 1
            guard !name.isEmpty else { throw ExpressionError(start, "an empty name ``") }
            return ExpressionToken(kind: .name(name, quoted: true), offset: start)
        }
        if isNameStart(c) {
            var name = ""
            while i < scalars.count {
                if isNamePart(scalars[i]) {
                    name.unicodeScalars.append(scalars[i])
                    i += 1
                } else if scalars[i] == ".", i + 1 < scalars.count, isNameStart(scalars[i + 1]) {
                    name.unicodeScalars.append(".")
                    i += 1
                } else if scalars[i] == "[", let close = elementIndexEnd(i) {
                    // `items[0]`: an element of an array field, part of the name.
                    for k in i...close { name.unicodeScalars.append(scalars[k]) }
                    i = close + 1
                } else {
                    break
                }
            }
            return ExpressionToken(kind: .name(name, quoted: false), offset: start)
        }
        let two = i + 1 < scalars.count ? String(String.UnicodeScalarView([c, scalars[i + 1]])) : ""
        if ["==", "!=", "<>", "<=", ">=", "||"].contains(two) {
            i += 2
            return ExpressionToken(kind: .symbol(two), offset: start)
        }
        if "+-*/%(),<>=".unicodeScalars.contains(c) {
            i += 1
            return ExpressionToken(kind: .symbol(String(c)), offset: start)
        }
        if c == "\"" {
            throw ExpressionError(start, "strings are written in single quotes ('paid'); double quotes are not part of the language")
        }
        throw ExpressionError(start, "unexpected character '\(c)'")
    }

    /// The offset of the `]` of `[digits]` starting at `open`, if that is what is there.
    private func elementIndexEnd(_ open: Int) -> Int? {
        var k = open + 1
        while k < scalars.count, ("0"..."9").contains(scalars[k]) { k += 1 }
        return k > open + 1 && k < scalars.count && scalars[k] == "]" ? k : nil
    }

    private mutating func number(_ start: Int) throws(ExpressionError) -> ExpressionToken {
        var text = ""
        var isFloat = false
        while i < scalars.count, ("0"..."9").contains(scalars[i]) || scalars[i] == "_" {
            if scalars[i] != "_" { text.unicodeScalars.append(scalars[i]) }
            i += 1
        }
        if i + 1 < scalars.count, scalars[i] == ".", ("0"..."9").contains(scalars[i + 1]) {
            isFloat = true
            text.append(".")
            i += 1
            while i < scalars.count, ("0"..."9").contains(scalars[i]) {
                text.unicodeScalars.append(scalars[i])
                i += 1
            }
        }
        if i < scalars.count, scalars[i] == "e" || scalars[i] == "E" {
            var j = i + 1
            if j < scalars.count, scalars[j] == "+" || scalars[j] == "-" { j += 1 }
            if j < scalars.count, ("0"..."9").contains(scalars[j]) {
                isFloat = true
                text.append("e")
                i += 1
                while i < scalars.count, ("0"..."9").contains(scalars[i]) || scalars[i] == "+" || scalars[i] == "-" {
                    text.unicodeScalars.append(scalars[i])
                    i += 1
                }
            }
        }
        // A unit right after an integer makes a duration.
        var unit = ""
        var j = i
        while j < scalars.count, scalars[j].properties.isAlphabetic {
            unit.unicodeScalars.append(scalars[j])
            j += 1
        }
        if !unit.isEmpty {
            guard !isFloat, let (_, scale) = Self.durationUnits.first(where: { $0.0 == unit }) else {
                throw ExpressionError(start, "'\(text)\(unit)' is not a number or a duration (durations: an integer and ms, s, m, h or d)")
            }
            guard let n = Int64(text), case let (ms, overflow) = n.multipliedReportingOverflow(by: scale), !overflow else {
                throw ExpressionError(start, "the duration \(text)\(unit) is too large")
            }
            i = j
            return ExpressionToken(kind: .duration(ms), offset: start)
        }
        if isFloat {
            guard let value = Double(text), value.isFinite else { throw ExpressionError(start, "the number \(text) is out of range") }
            return ExpressionToken(kind: .float(value), offset: start)
        }
        if text == "9223372036854775808" { return ExpressionToken(kind: .smallestMagnitude, offset: start) }
        guard let value = Int64(text) else { throw ExpressionError(start, "the integer \(text) is beyond the range of i64") }
        return ExpressionToken(kind: .integer(value), offset: start)
    }

    /// A string in single quotes; '' inside is one quote.
    private mutating func string(_ start: Int) throws(ExpressionError) -> ExpressionToken {
        i += 1
        var text = ""
        while true {
            guard i < scalars.count else { throw ExpressionError(start, "a string opened with ' is not closed") }
            if scalars[i] == "'" {
                if i + 1 < scalars.count, scalars[i + 1] == "'" {
                    text.append("'")
                    i += 2
                    continue
                }
                i += 1
                return ExpressionToken(kind: .string(text), offset: start)
            }
            text.unicodeScalars.append(scalars[i])
            i += 1
        }
    }
}
