// ColumnEvaluationTests: a batch at a time gives what record by record gives — values, NULLs and failures.
import CRivulet
import RivuletCore
import RivuletExpressions
import Testing

@Suite struct ColumnEvaluationTests {
    /// Records with every field NULL in turn and values that make divisions fail.
    static func batch() -> RecordBatch {
        let batch = RecordBatch(schema: testSchema, capacity: 64)
        for k in 0..<24 {
            let i = batch.appendEmpty()
            if k % 7 != 3 { batch.setField(i, 0, .integer(Int64(k % 5) - 2)) }
            if k % 5 != 1 { batch.setField(i, 1, .double(Double(k) / 4 - 1.5)) }
            if k % 6 != 2 { batch.setStringField(i, 2, ["Hello", "x", "", "paid", "PAID"][k % 5]) }
            if k % 4 != 0 { batch.setField(i, 3, .bool(k % 3 == 0)) }
            batch.setField(i, 4, .timestamp(1_700_000_000_000 + Int64(k) * 3_600_000))
            if k % 2 == 0 { batch.setField(i, 5, .integer(Int64(k))) }
            batch.setStringField(i, 6, "c-\(k)")
        }
        return batch
    }

    static let expressions = [
        "a + 1", "a * x", "a / (a - 1)", "a % 2", "x / a", "-a", "ts + 5m", "ts - ts", "a > 0", "x <= 0.5", "s == 'paid'", "s < 'P'",
        "a > 0 and ok", "ok or a < 0", "not ok", "n is null", "s is not null", "a in (0, 1, n)", "lower(s) == 'paid' and x > 0",
        "if(a > 0, x, a / a)", "if(ok, s, 'none') || '!'", "coalesce(n, a, 0)", "case when a < 0 then 'neg' when a = 0 then 'zero' end",
        "round(x * 3, 1)", "9223372036854775807 + a", "a * 9223372036854775807", "(a > 0 or n > 3) and not (s = 'x')",
        "format_time(ts, '%H:%M')", "len(s) + a", "i64(s)", "ok and a / a > 0", "n + a / a", "n + i64(s)", "n > i64(s)",
        "sqrt(x) = 1", "x * 1e308 * 10 - x * 1e308 * 10", "a == i64(null)",
    ]

    @Test(arguments: expressions)
    func aBatchAtATimeGivesWhatRecordByRecordGives(_ text: String) throws {
        let e = try CompiledExpression(text, schema: testSchema)
        let batch = Self.batch()
        let scratch = ExpressionScratch()
        let context = ColumnContext(scratch: scratch)
        context.begin(batch.record(at: 0))
        let out = UnsafeMutablePointer<rv_field>.allocate(capacity: batch.count)
        defer { out.deallocate() }
        e.evaluate(context, count: batch.count, into: out)
        let perRecord = ExpressionScratch()
        for i in 0..<batch.count {
            perRecord.reset()
            do {
                let expected = V(try e.evaluate(batch.record(at: i), perRecord))
                #expect(context.failures[UInt32(i)] == nil, "\(text), record \(i): failed in a batch: \(context.failures[UInt32(i)] ?? "")")
                #expect(V(out[i]) == expected, "\(text), record \(i)")
            } catch {
                #expect(context.failures[UInt32(i)] == error.reason, "\(text), record \(i)")
            }
        }
    }
}
