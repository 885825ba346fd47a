// ExpressionErrorTests: mistakes found when an expression compiles, each at the character it is about.
import RivuletCore
import RivuletExpressions
import Testing

@Suite struct ExpressionErrorTests {
    /// (expression, 1-based column of the error, part of the message)
    @Test(arguments: [
        ("amout > 1", 1, "no field 'amout' in the input"), ("a > 1 and stauts == 'x'", 11, "no field 'stauts'"),
        ("lowr(s)", 1, "no function 'lowr'; did you mean 'lower'?"), ("s + 1", 1, "'+' needs numbers, not string"),
        ("a + 's'", 5, "'+' needs numbers, not string"), ("a == 's'", 3, "cannot compare i64 with string"),
        ("a > 1 and 5", 11, "'and' needs bool values, not i64"), ("not a", 5, "'not' needs a bool, not i64"),
        ("a >", 4, "the expression ends where a value was expected"), ("(a + 1", 7, "expected ')' to close the '(' at column 1"),
        ("s == \"x\"", 6, "strings are written in single quotes"), ("s == 'x", 6, "a string opened with ' is not closed"),
        ("a + 1 1", 7, "unexpected 1 after a complete expression"), ("a < 1 < 2", 7, "comparisons do not chain"),
        ("if(a, 1, 2)", 4, "argument 1 of if() must be a bool (the condition), not i64"), ("if(ok, 1, 's')", 1, "different types"),
        ("round(x, 1.5)", 10, "argument 2 of round() must be an i64"), ("substr(s)", 1, "substr() takes 2 to 3 arguments, got 1"),
        ("1 / 0", 1, "this always fails: division by zero"), ("a @ 1", 3, "unexpected character '@'"), ("", 1, "the expression is empty"),
        ("case a end", 6, "expected 'when' after 'case'"), ("case when ok then 1", 20, "expected 'end' to close the 'case' at column 1"),
        ("5parsecs", 1, "is not a number or a duration"), ("a is 1", 6, "expected 'null' after 'is'"), ("ts * 2", 4, "with a timestamp"),
        ("x % 2", 3, "'%' needs integers"), ("99999999999999999999", 1, "beyond the range of i64"), ("`a", 1, "not closed"),
        ("and", 1, "found the keyword 'and'"), ("format_time(ts, '%Y-%q')", 21, "unknown directive %q"),
        ("format_time(ts, s)", 17, "must be a constant string"), ("date_trunc('hours', ts)", 12, "unknown unit 'hours'"),
        ("regex_match(s, '(')", 16, "is not a regular expression"), ("a[0].x + 1", 1, "'a' is i64, not an array field"),
        ("x + 1 / 0", 5, "this always fails: division by zero"), ("format_time(ts, '%d%')", 20, "unknown directive %%"),
    ])
    func anErrorPointsAtItsCharacter(_ text: String, _ column: Int, _ message: String) {
        let error = compileError(text)
        #expect(error?.offset == column - 1, "\(text): \(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(text): \(String(describing: error))")
    }

    /// 100,000 seeded random strings over the language's characters and words: compiling never crashes
    /// or hangs; each is a program or an error at a position inside (or just after) the text.
    @Test func randomTextIsAProgramOrAnErrorWithAPosition() {
        let pieces = [
            "a", "x", "s", "ok", "ts", "n", "`customer.id`", "1", "2.5", "0", "5m", "'p'", "''", "(", ")", ",", "+", "-", "*", "/", "%", "==",
            "!=", "<", ">=", "||", " and ", " or ", "not ", " is ", "null", " in ", "true", "lower(", "round(", "if(", "coalesce(", "case ",
            " when ", " then ", " else ", " end", "\"", "'", "`", "@", " ", "1e5", "9223372036854775808", "substr(", "min(",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(Int.max))
        }
        var programs = 0
        for _ in 0..<100_000 {
            let text = (0..<(1 + next() % 12)).map { _ in pieces[next() % pieces.count] }.joined()
            do {
                _ = try CompiledExpression(text, schema: testSchema)
                programs += 1
            } catch {
                #expect(error.offset >= 0 && error.offset <= text.unicodeScalars.count, "\(text): \(error)")
            }
        }
        #expect(programs > 1000, "the generator makes valid programs too (\(programs))")
    }

    /// Nesting deeper than the parser allows is an error, not a stack overflow.
    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(compileError(deep)?.message.contains("nests deeper than") == true)
        #expect(compileError(String(repeating: "not ", count: 10_000) + "ok")?.message.contains("nests deeper than") == true)
        #expect(compileError(String(repeating: "-", count: 10_000) + "1")?.message.contains("nests deeper than") == true)
    }
}
