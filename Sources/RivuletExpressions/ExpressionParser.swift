// ExpressionParser: tokens to `ExpressionSyntax`, by precedence (or, and, not, comparison, ||, + -, * / %, unary).

/// Parses the expression language (docs/EXPRESSIONS.md). Every error names the offset where the
/// expression stops making sense.
public struct ExpressionParser {
    private let tokens: [ExpressionToken]
    private var i = 0
    /// Deeper nesting than this is refused (the parser recurses).
    static let maximumDepth = 200
    private var depth = 0
    /// At most this many operators (a long chain of `a + b + …` nests as deep as it is long).
    static let maximumOperators = 1000
    private var operators = 0

    /// Counts one more operator node.
    private mutating func counted(_ at: Int) throws(ExpressionError) -> Int {
        operators += 1
        guard operators <= Self.maximumOperators else { throw ExpressionError(at, "the expression has more than \(Self.maximumOperators) operators") }
        return at
    }

    init(tokens: [ExpressionToken]) {
        self.tokens = tokens
    }

    /// The syntax of `text`.
    public static func parse(_ text: String) throws(ExpressionError) -> ExpressionSyntax {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(text))
        if case .end = parser.peek.kind { throw ExpressionError(0, "the expression is empty") }
        let syntax = try parser.expression()
        guard case .end = parser.peek.kind else {
            throw ExpressionError(parser.peek.offset, "unexpected \(parser.describe(parser.peek)) after a complete expression")
        }
        return syntax
    }

    private var peek: ExpressionToken { tokens[i] }

    private mutating func advance() -> ExpressionToken {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }

    private func isKeyword(_ t: ExpressionToken, _ word: String) -> Bool {
        if case .name(let n, quoted: false) = t.kind { return n.lowercased() == word }
        return false
    }

    private func isSymbol(_ t: ExpressionToken, _ s: String) -> Bool {
        if case .symbol(let x) = t.kind { return x == s }
        return false
    }

    private func describe(_ t: ExpressionToken) -> String {
        switch t.kind {
        case .integer(let v): "\(v)"
        case .smallestMagnitude: "9223372036854775808"
        case .float(let v): "\(v)"
        case .duration: "a duration"
        case .string(let s): "'\(s)'"
        case .name(let n, _): "'\(n)'"
        case .symbol(let s): "'\(s)'"
        case .end: "the end"
        }
    }

    private mutating func expect(_ symbol: String, _ what: String) throws(ExpressionError) {
        guard isSymbol(peek, symbol) else { throw ExpressionError(peek.offset, "expected '\(symbol)' \(what), found \(describe(peek))") }
        _ = advance()
    }

    private mutating func expectKeyword(_ word: String, _ what: String) throws(ExpressionError) {
        guard isKeyword(peek, word) else { throw ExpressionError(peek.offset, "expected '\(word)' \(what), found \(describe(peek))") }
        _ = advance()
    }

    mutating func expression() throws(ExpressionError) -> ExpressionSyntax {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw ExpressionError(peek.offset, "the expression nests deeper than \(Self.maximumDepth) levels") }
        return try or()
    }

    private mutating func or() throws(ExpressionError) -> ExpressionSyntax {
        var left = try and()
        while isKeyword(peek, "or") {
            let at = try counted(advance().offset)
            left = .binary("or", left, try and(), at: at)
        }
        return left
    }

    private mutating func and() throws(ExpressionError) -> ExpressionSyntax {
        var left = try not()
        while isKeyword(peek, "and") {
            let at = try counted(advance().offset)
            left = .binary("and", left, try not(), at: at)
        }
        return left
    }

    private mutating func not() throws(ExpressionError) -> ExpressionSyntax {
        if isKeyword(peek, "not") {
            let at = advance().offset
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw ExpressionError(at, "the expression nests deeper than \(Self.maximumDepth) levels") }
            return .unary("not", try not(), at: at)
        }
        return try comparison()
    }

    private static let comparisons: Set<String> = ["==", "=", "!=", "<>", "<", "<=", ">", ">="]

    private mutating func comparison() throws(ExpressionError) -> ExpressionSyntax {
        let left = try concatenation()
        if case .symbol(let s) = peek.kind, Self.comparisons.contains(s) {
            let at = advance().offset
            let op = s == "=" ? "==" : s == "<>" ? "!=" : s
            let right = try concatenation()
            if case .symbol(let t) = peek.kind, Self.comparisons.contains(t) {
                throw ExpressionError(peek.offset, "comparisons do not chain: write (a \(op) b) and (b \(t) c)")
            }
            return .binary(op, left, right, at: at)
        }
        if isKeyword(peek, "is") {
            let at = advance().offset
            var negated = false
            if isKeyword(peek, "not") {
                _ = advance()
                negated = true
            }
            try expectKeyword("null", "after 'is\(negated ? " not" : "")'")
            return .isNull(left, negated: negated, at: at)
        }
        var negated = false
        if isKeyword(peek, "not"), i + 1 < tokens.count, isKeyword(tokens[i + 1], "in") {
            _ = advance()
            negated = true
        }
        if isKeyword(peek, "in") {
            let at = advance().offset
            try expect("(", "after 'in'")
            var items: [ExpressionSyntax] = [try expression()]
            while isSymbol(peek, ",") {
                _ = advance()
                items.append(try expression())
            }
            try expect(")", "to close the list of 'in'")
            return .isIn(left, items, negated: negated, at: at)
        }
        return left
    }

    private mutating func concatenation() throws(ExpressionError) -> ExpressionSyntax {
        var left = try additive()
        while isSymbol(peek, "||") {
            let at = try counted(advance().offset)
            left = .binary("||", left, try additive(), at: at)
        }
        return left
    }

    private mutating func additive() throws(ExpressionError) -> ExpressionSyntax {
        var left = try multiplicative()
        while case .symbol(let s) = peek.kind, s == "+" || s == "-" {
            let at = try counted(advance().offset)
            left = .binary(s, left, try multiplicative(), at: at)
        }
        return left
    }

    private mutating func multiplicative() throws(ExpressionError) -> ExpressionSyntax {
        var left = try unary()
        while case .symbol(let s) = peek.kind, s == "*" || s == "/" || s == "%" {
            let at = try counted(advance().offset)
            left = .binary(s, left, try unary(), at: at)
        }
        return left
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionSyntax {
        if isSymbol(peek, "-") {
            let at = advance().offset
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw ExpressionError(at, "the expression nests deeper than \(Self.maximumDepth) levels") }
            // A negative literal is a literal (so -9223372036854775808 fits).
            if case .integer(let v) = peek.kind, peek.offset == at + 1 {
                _ = advance()
                return .integer(-v, at: at)
            }
            if case .smallestMagnitude = peek.kind, peek.offset == at + 1 {
                _ = advance()
                return .integer(.min, at: at)
            }
            return .unary("-", try unary(), at: at)
        }
        return try primary()
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionSyntax {
        let t = advance()
        switch t.kind {
        case .integer(let v): return .integer(v, at: t.offset)
        case .smallestMagnitude: throw ExpressionError(t.offset, "the integer 9223372036854775808 is beyond the range of i64")
        case .duration(let v): return .integer(v, at: t.offset)
        case .float(let v): return .float(v, at: t.offset)
        case .string(let s): return .string(s, at: t.offset)
        case .symbol("("):
            let inner = try expression()
            try expect(")", "to close the '(' at column \(t.offset + 1)")
            return inner
        case .name(let name, quoted: true): return .field(name, at: t.offset)
        case .name(let name, quoted: false):
            switch name.lowercased() {
            case "true": return .bool(true, at: t.offset)
            case "false": return .bool(false, at: t.offset)
            case "null": return .null(at: t.offset)
            case "case": return try caseWhen(at: t.offset)
            case "and", "or", "not", "is", "in", "when", "then", "else", "end":
                throw ExpressionError(t.offset, "expected a value, found the keyword '\(name)' (quote a field of that name: `\(name)`)")
            default: break
            }
            if isSymbol(peek, "(") {
                _ = advance()
                var arguments: [ExpressionSyntax] = []
                if !isSymbol(peek, ")") {
                    arguments.append(try expression())
                    while isSymbol(peek, ",") {
                        _ = advance()
                        arguments.append(try expression())
                    }
                }
                try expect(")", "to close the call of \(name)")
                return .call(name.lowercased(), arguments, at: t.offset)
            }
            return .field(name, at: t.offset)
        case .end: throw ExpressionError(t.offset, "the expression ends where a value was expected")
        case .symbol(let s): throw ExpressionError(t.offset, "expected a value, found '\(s)'")
        }
    }

    private mutating func caseWhen(at: Int) throws(ExpressionError) -> ExpressionSyntax {
        var branches: [(ExpressionSyntax, ExpressionSyntax)] = []
        while isKeyword(peek, "when") {
            _ = advance()
            let condition = try expression()
            try expectKeyword("then", "after the condition of 'when'")
            branches.append((condition, try expression()))
        }
        guard !branches.isEmpty else { throw ExpressionError(peek.offset, "expected 'when' after 'case', found \(describe(peek))") }
        var otherwise: ExpressionSyntax?
        if isKeyword(peek, "else") {
            _ = advance()
            otherwise = try expression()
        }
        try expectKeyword("end", "to close the 'case' at column \(at + 1)")
        return .caseWhen(branches, otherwise: otherwise, at: at)
    }
}
