// WindowStateTests: a window operator driven directly: state is freed once the watermark closes it.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletWindows
import Testing

@Suite struct WindowStateTests {
    static let schema = Schema([FieldDefinition(name: "k", type: .string)])

    /// A batch of records (time, key) carrying the watermark before each, bound 0.
    static func batch(_ records: [(Int64, String)], after previous: Int64) -> RecordBatch {
        let b = RecordBatch(schema: schema, capacity: records.count)
        var maxSeen = previous
        for (t, k) in records {
            let i = b.appendEmpty(timestamp: t)
            b.setStringField(i, 0, k)
            b.setWatermarkBefore(i, maxSeen)
            maxSeen = max(maxSeen, t)
        }
        return b
    }

    static func window(_ kind: WindowKind) -> WindowOperator {
        WindowOperator(
            name: "w", kind: kind, grace: 0, mode: .final, keyField: 0, keyName: "k", inputSchema: schema,
            aggregates: [("n", CountAggregate())], batchCapacity: 64,
            deadLetters: DeadLetterRoute(node: "w", sink: CollectedDeadLetters(), errorsPort: nil, inputSchema: schema))
    }

    @Test(arguments: [WindowKind.sliding(size: 10), .session(gap: 10), .tumbling(size: 10), .hopping(size: 10, advance: 5)])
    func quietKeysLeaveNoStateBehind(_ kind: WindowKind) throws {
        let w = Self.window(kind)
        // Five keys, one record each; then one record far later closes everything they opened.
        try w.process(Self.batch([(0, "a"), (1, "b"), (2, "c"), (3, "d"), (4, "e")], after: .min), port: 0)
        #expect(w.openEntries > 0)
        try w.process(Self.batch([(1000, "z")], after: 4), port: 0)
        try w.advanceWatermark(to: 1000)
        // Only z's state is left: its window (hopping: its two windows; sliding: its pane, which outlives
        // its window [991, 1001), already fired at 1000, until no later window can include it).
        let expected =
            switch kind {
            case .hopping: 2
            default: 1
            }
        #expect(w.openEntries == expected)
        try w.finish()
        #expect(w.openEntries == 0)
    }

    /// An endless stream of new keys (a key never seen again after its record): the key table forgets
    /// each key once its windows close, so its capacities stop growing after warm-up.
    @Test(arguments: [WindowKind.sliding(size: 10), .session(gap: 10), .tumbling(size: 10), .hopping(size: 10, advance: 5)])
    func anEndlessStreamOfNewKeysUsesBoundedMemory(_ kind: WindowKind) throws {
        let w = Self.window(kind)
        var previous = Int64.min
        var afterWarmUp: (entries: Int, slots: Int, bytes: Int)?
        for round in 0..<100 {
            let records = (0..<1_000).map { i -> (Int64, String) in
                let n = round * 1_000 + i
                return (Int64(n), "key-\(n)-" + String(repeating: "x", count: n % 40))
            }
            try w.process(Self.batch(records, after: previous), port: 0)
            previous = records.last!.0
            try w.advanceWatermark(to: previous)
            #expect(w.liveKeys <= 30, "only keys with open windows are held")
            if round == 20 { afterWarmUp = w.keyCapacities }
        }
        #expect(w.keyCapacities == afterWarmUp!, "no growth after warm-up over 80,000 more new keys")
        // A late record of a new key (sliding, session: the key is looked up before the record is found
        // late) is forgotten too.
        try w.process(Self.batch([(0, "late-key")], after: previous), port: 0)
        #expect(w.liveKeys <= 30)
        try w.finish()
        #expect(w.liveKeys == 0)
        #expect(w.openEntries == 0)
    }
}
