// ExpressionEvaluationTests: every operator and function on a record, with NULLs (SQL's rules) and failures.
import RivuletCore
import RivuletExpressions
import Testing

@Suite struct ExpressionEvaluationTests {
    @Test(arguments: [
        // Arithmetic: i64 stays i64 (division truncates), a mix widens to f64, durations are ms.
        ("a + 1", V.i(8)), ("a * 2 - 1", .i(13)), ("a / 2", .i(3)), ("a % 4", .i(3)), ("-a", .i(-7)), ("a + x", .f(9.5)),
        ("x / 2", .f(1.25)), ("5m", .i(300_000)), ("1h + 30s", .i(3_630_000)), ("ts + 1s", .t(1_700_000_001_000)),
        ("ts - ts", .i(0)), ("2 + 3 * 4", .i(14)), ("(2 + 3) * 4", .i(20)), ("-9223372036854775808", .i(.min)),
        // Comparison, logic, membership.
        ("a > 5", .b(true)), ("a = 7", .b(true)), ("a <> 7", .b(false)), ("x <= 2.5", .b(true)), ("s == 'Hello'", .b(true)),
        ("s < 'Help'", .b(true)), ("a > 5 and x < 2", .b(false)), ("a > 5 or x < 2", .b(true)), ("not ok", .b(false)),
        ("a in (1, 7, 9)", .b(true)), ("a not in (1, 9)", .b(true)), ("s in ('a', 'b')", .b(false)),
        ("ts > 1600000000000", .b(true)), ("a is null", .b(false)), ("n is null", .b(true)), ("n is not null", .b(false)),
        // Strings.
        ("lower(s)", .s("hello")), ("upper(s)", .s("HELLO")), ("len(s)", .i(5)), ("len('żółw')", .i(4)),
        ("substr(s, 2, 3)", .s("ell")), ("substr(s, 4)", .s("lo")), ("substr(s, 9)", .s("")), ("s || '!'", .s("Hello!")),
        ("concat(s, '-', `customer.id`)", .s("Hello-c-1")), ("customer.id", .s("c-1")), ("starts_with(s, 'He')", .b(true)),
        ("ends_with(s, 'lo')", .b(true)), ("contains(s, 'ell')", .b(true)), ("contains(s, 'xyz')", .b(false)),
        ("split_part('a,b,c', ',', 2)", .s("b")), ("split_part('a,b,c', ',', 5)", .s("")), ("replace(s, 'l', 'L')", .s("HeLLo")),
        ("trim('  x  ')", .s("x")), ("'it''s'", .s("it's")),
        // Math.
        ("abs(-3)", .i(3)), ("abs(-2.5)", .f(2.5)), ("round(2.345, 2)", .f(2.35)), ("round(2.5)", .f(3)), ("round(a)", .i(7)),
        ("floor(x)", .f(2)), ("ceil(x)", .f(3)), ("pow(2, 10)", .f(1024)), ("sqrt(16)", .f(4)), ("ln(1)", .f(0)), ("exp(0)", .f(1)),
        ("min(a, 3, 9)", .i(3)), ("max(a, x)", .f(7)), ("max('a', 'b')", .s("b")),
        // Conditionals and casts.
        ("if(a > 5, 'big', 'small')", .s("big")), ("if(n > 5, 1, 2)", .i(2)), ("if(ok, 1, 2.5)", .f(1)),
        ("case when a < 0 then 'neg' when a < 10 then 'small' else 'big' end", .s("small")),
        ("case when a < 0 then 1 end", .null), ("coalesce(n, a)", .i(7)), ("coalesce(n, 2.5)", .f(2.5)), ("i64('42')", .i(42)),
        ("i64(x)", .i(2)), ("f64(a)", .f(7)), ("string(a)", .s("7")), ("string(ok)", .s("true")), ("f64(' 1.5 ')", .f(1.5)),
        ("hash('a') == hash('a')", .b(true)), ("hash(s) != hash('x')", .b(true)),
        // Time (UTC): ts is 2023-11-14T22:13:20Z.
        ("format_time(ts, '%Y-%m-%d')", .s("2023-11-14")), ("format_time(ts + 45ms, '%FT%T.%L')", .s("2023-11-14T22:13:20.045")),
        ("format_time(ts, '%j %% %H')", .s("318 % 22")), ("format_time(-1, '%F %T.%L')", .s("1969-12-31 23:59:59.999")),
        ("parse_time('2023-11-14 22:13:20', '%Y-%m-%d %H:%M:%S')", .t(1_700_000_000_000)),
        ("parse_time('14/11/2023', '%d/%m/%Y')", .t(1_699_920_000_000)),
        ("date_trunc('hour', ts)", .t(1_699_999_200_000)), ("date_trunc('day', ts)", .t(1_699_920_000_000)),
        ("date_trunc('week', ts)", .t(1_699_833_600_000)), ("date_trunc('month', ts)", .t(1_698_796_800_000)),
        ("date_trunc('year', ts)", .t(1_672_531_200_000)), ("date_trunc('Minute', ts + 59s)", .t(1_700_000_040_000)),
        ("format_time(parse_time(format_time(ts, '%F %T'), '%F %T'), '%F %T')", .s("2023-11-14 22:13:20")),
        ("regex_match(s, '^H.l+o$')", .b(true)), ("regex_match(s, 'x')", .b(false)),
        ("regex_extract('order-1234-eu', '([0-9]+)-([a-z]+)', 2)", .s("eu")), ("regex_extract(s, 'l+')", .s("ll")),
        ("regex_extract(s, '[0-9]+')", .null), ("format_time(ts, '%d%%')", .s("14%")), ("format_time(ts, '%%F')", .s("%F")),
        ("format_time(ts, '%Y' || '-%m')", .s("2023-11")), ("round(1e300, 10)", .f(1e300)), ("round(x * 1e20, 2)", .f(2.5e20)),
    ])
    func valuesOfAnExpression(_ text: String, _ expected: V) throws {
        #expect(try value(text) == expected, "\(text)")
    }

    /// NULL in, NULL out — except is null, coalesce, if's condition, and three-valued and/or.
    @Test(arguments: [
        ("n + 1", V.null), ("n * x", .null), ("-n", .null), ("n > 1", .null), ("n == n", .null), ("lower(string(n))", .null),
        ("n in (1, 2)", .null), ("a in (1, n)", .null), ("a in (7, n)", .b(true)), ("not (n > 1)", .null),
        ("n > 1 and false", .b(false)), ("false and n > 1", .b(false)), ("n > 1 and true", .null),
        ("n > 1 or true", .b(true)), ("n > 1 or false", .null), ("abs(n)", .null), ("round(x, n)", .null), ("concat(s, string(n))", .null),
        ("coalesce(n, n)", .null), ("if(n > 1, 'y', 'n')", .s("n")), ("case when n > 1 then 'y' else 'n' end", .s("n")), ("null", .null),
        ("s || string(n)", .null), ("min(a, n)", .null), ("sqrt(-x)", .null), ("sqrt(-x) = 3", .null), ("ln(-x)", .null),
        ("x * 1e308 * 10 - x * 1e308 * 10", .null),
    ])
    func nullFollowsSQL(_ text: String, _ expected: V) throws {
        #expect(try value(text) == expected, "\(text)")
    }

    @Test func aStringFieldThatIsNullIsNull() throws {
        #expect(try value("lower(s)", s: nil) == .null)
        #expect(try value("s is null", s: nil) == .b(true))
    }

    @Test(arguments: [
        ("a / (a - 7)", "division by zero"), ("a % (a - 7)", "modulo by zero"), ("x / (a - 7)", "division by zero"),
        ("a * 9223372036854775807", "7 * 9223372036854775807 is beyond the range of i64"), ("i64(s)", "'Hello' is not an i64"),
        ("f64(s)", "'Hello' is not an f64"), ("i64(x * 1e300)", "beyond the range of i64"),
        ("parse_time(s, '%Y-%m-%d')", "'Hello' is not a time of the form '%Y-%m-%d'"),
        ("date_trunc('year', ts - ts - 9223372036854775807)", "beyond ±2^62 ms"),
        ("format_time(ts - ts - 9223372036854775807, '%Y')", "beyond ±2^62 ms"),
        ("parse_time(string(a) || '023-02-30', '%F')", "'7023-02-30' is not a time of the form"),
    ])
    func failuresNameTheReason(_ text: String, _ reason: String) throws {
        let result = try evaluate(text).value
        guard case .failure(let failure) = result else {
            Issue.record("\(text) gave \(result)")
            return
        }
        #expect(failure.reason.contains(reason), "\(failure.reason)")
    }

    @Test(arguments: [
        ("a + 1", FieldType.i64), ("a + x", .f64), ("a > 1", .bool), ("s || 'x'", .string), ("ts + 5m", .timestamp), ("now()", .timestamp),
        ("if(ok, a, x)", .f64), ("coalesce(n, 0)", .i64), ("null", .null), ("i64(null)", .i64),
    ])
    func typesAreKnownBeforeAnyRecord(_ text: String, _ type: FieldType) throws {
        #expect(try CompiledExpression(text, schema: testSchema).type == type)
    }

    /// Strings made for one record are not disturbed by more made for it (the scratch's blocks never
    /// move): 400 growing strings, 400 KB, several blocks.
    @Test func manyStringsOfOneRecordStayWhereTheyAre() throws {
        let parts = (0..<400).map { _ in "upper(s)" }.joined(separator: " || ")
        #expect(try value("\(parts) == '\(String(repeating: "HELLO", count: 400))'") == .b(true))
        #expect(compileError((0..<1002).map { _ in "s" }.joined(separator: " || "))?.message.contains("more than 1000 operators") == true)
    }
}
