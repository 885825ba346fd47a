// WindowCheckpointTests: a window operator saved, encoded and restored mid-stream (or after its end) goes on
// exactly as if it had never stopped; restored into more instances it gives the same results; bad bytes throw.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletPlugins
import RivuletRuntime
import RivuletTestSupport
import RivuletWindows
import Testing

@testable import RivuletSnapshot

@Suite struct WindowCheckpointTests {
    // MARK: Events

    /// SplitMix64: a small seeded generator, the same on every machine.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    }

    /// A record: key -1 is NULL, -2 the empty string (or 0), else key number `key`.
    struct Event {
        var time: Int64
        var key: Int
        var v: Int64?
        var x: Double?
        var label: Int
        var watermarkBefore: Int64
    }

    static let bound: Int64 = 15

    /// Out of order within `bound`, some records far behind (late), NULLs, negative values (percentiles
    /// count them as 0) and some large ones (histograms resize).
    static func events(seed: UInt64, count: Int, keys: Int) -> [Event] {
        var rng = Random(state: seed)
        var clock: Int64 = -200
        var maxSeen = Int64.min
        var out: [Event] = []
        for _ in 0..<count {
            clock += Int64(rng.int(0...4))
            var t = clock - Int64(rng.int(0...Int(bound)))
            if rng.chance(0.06) { t = clock - Int64(rng.int(20...80)) }
            let key = rng.chance(0.03) ? -1 : rng.chance(0.03) ? -2 : rng.int(0...keys - 1)
            let v: Int64? = rng.chance(0.08) ? nil : rng.chance(0.05) ? Int64(rng.int(0...20_000_000)) : Int64(rng.int(-50...3000))
            let x: Double? = rng.chance(0.08) ? nil : Double(rng.int(-100_000...100_000)) / 7
            out.append(
                Event(
                    time: t, key: key, v: v, x: x, label: rng.int(0...5), watermarkBefore: maxSeen == .min ? .min : maxSeen - bound))
            maxSeen = max(maxSeen, t)
        }
        return out
    }

    enum Step {
        case batch(Range<Int>)
        case watermark(Int64)
    }

    /// Batches of 1–12 records, some followed by the watermark reached (as a task sends after a batch).
    static func steps(_ events: [Event], seed: UInt64) -> [Step] {
        var rng = Random(state: seed ^ 0x5eed)
        var steps: [Step] = []
        var i = 0
        var maxSeen = Int64.min
        while i < events.count {
            let n = min(rng.int(1...12), events.count - i)
            steps.append(.batch(i..<i + n))
            for e in events[i..<i + n] { maxSeen = max(maxSeen, e.time) }
            i += n
            if rng.chance(0.4) { steps.append(.watermark(maxSeen - bound)) }
        }
        return steps
    }

    static func schema(_ keyType: FieldType) -> Schema {
        Schema([
            FieldDefinition(name: "k", type: keyType), FieldDefinition(name: "v", type: .i64), FieldDefinition(name: "x", type: .f64),
            FieldDefinition(name: "l", type: .string),
        ])
    }

    static func batch(_ events: ArraySlice<Event>, keyType: FieldType) -> RecordBatch {
        let b = RecordBatch(schema: schema(keyType), capacity: max(1, events.count))
        for e in events {
            let i = b.appendEmpty(timestamp: e.time)
            switch (e.key, keyType) {
            case (-1, _): break
            case (-2, .string): b.setStringField(i, 0, "")
            case (-2, _): b.setField(i, 0, .integer(0))
            case (let k, .string): b.setStringField(i, 0, "key-\(k)")
            case (let k, _): b.setField(i, 0, .integer(Int64(k) &* 7919 &- 50_000))
            }
            if let v = e.v { b.setField(i, 1, .integer(v)) }
            if let x = e.x { b.setField(i, 2, .double(x)) }
            b.setStringField(i, 3, "label-\(e.label)")
            b.setWatermarkBefore(i, e.watermarkBefore)
        }
        return b
    }

    // MARK: Operators

    nonisolated(unsafe) static let standardPlugin: LoadedPlugin = try! PluginLoader().load(path: Fixtures.standardCPlugin())

    /// Every kind of aggregate: count, integer and float sums, avg, min/max, percentiles (0 and 100 read
    /// the exact smallest and largest values), top, and a plugin's (`rv_std_c`'s spread).
    static func window(_ kind: WindowKind, grace: Int64, mode: EmitMode, keyType: FieldType = .string) throws -> WindowOperator {
        let s = schema(keyType)
        let aggregates: [(name: String, aggregate: WindowAggregate)] = [
            ("n", CountAggregate()), ("sv", SumAggregate(field: 1, type: .i64)), ("sx", SumAggregate(field: 2, type: .f64)),
            ("ax", AverageAggregate(field: 2, type: .f64)), ("mn", ExtremumAggregate(field: 1, type: .i64, largest: false)),
            ("mx", ExtremumAggregate(field: 2, type: .f64, largest: true)), ("p0", PercentileAggregate(field: 1, percentile: 0)),
            ("p90", PercentileAggregate(field: 1, percentile: 90)), ("p100", PercentileAggregate(field: 2, percentile: 100)),
            ("top", TopAggregate(label: 3, measure: 1, measureType: .i64, count: 2)),
            ("topx", TopAggregate(label: 3, measure: 2, measureType: .f64, count: 3)),
            ("spread", try PluginAggregate(plugin: standardPlugin, name: "spread", inputFields: [2], inputSchema: s)),
        ]
        return WindowOperator(
            name: "w", kind: kind, grace: grace, mode: mode, keyField: 0, keyName: "k", inputSchema: s, aggregates: aggregates,
            batchCapacity: 16, deadLetters: DeadLetterRoute(node: "w", sink: CollectedDeadLetters(), errorsPort: nil, inputSchema: s))
    }

    /// Receives a port's output as text: every record's op, time, position, key and fields bit for bit
    /// (and, when `exact`, its watermark and the watermarks passed on).
    final class Collector: Edge {
        let name = "collector"
        var isFused: Bool { true }
        let exact: Bool
        var rows: [String] = []

        init(exact: Bool) { self.exact = exact }

        func send(_ batch: RecordBatch) throws {
            for i in 0..<batch.count {
                let r = batch.record(at: i).pointee
                var row = "\(r.op) t=\(r.timestamp) at=\(r.partition):\(r.offset) key=\(Array(RecordView(batch.record(at: i)).key))"
                if exact { row += " wm=\(batch.watermarkBefore(i))" }
                for f in 0..<Int(r.field_count) {
                    let field = r.fields[f]
                    if FieldType(rawValue: field.type)?.isBytesLike == true {
                        row +=
                            " \(field.type):" + String(decoding: UnsafeRawBufferPointer(start: field.value.ptr, count: Int(field.len)), as: UTF8.self)
                    } else {
                        row += " \(field.type):\(field.value.i64)"
                    }
                }
                rows.append(row)
            }
        }

        func sendWatermark(_ watermark: Int64) throws { if exact { rows.append("watermark \(watermark)") } }
        func sendEndOfStream() throws {}
        func sendBarrier(_ id: UInt64) throws {}
    }

    struct Outcome: Equatable {
        var out: [String]
        var late: [String]
        var windowsFired: Int
        var lateRecords: Int
    }

    /// Saves `w` (its output flushed first, as a task does before a barrier), encodes, decodes and
    /// restores into a fresh operator from `make`; checks the restored state saves to the same bytes.
    static func restored(_ w: WindowOperator, _ make: () throws -> WindowOperator) throws -> WindowOperator {
        try w.out.flush()
        try w.late.flush()
        var snapshot = OperatorSnapshot()
        try w.snapshotState(into: &snapshot, checkpoint: 7)
        let bytes = snapshot.encoded()
        let fresh = try make()
        try fresh.restoreState(
            from: OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(), snapshots: [try DecodedOperatorSnapshot(bytes, name: "w")]))
        #expect(fresh.openEntries == w.openEntries)
        #expect(fresh.liveKeys == w.liveKeys)
        #expect(fresh.watermark == w.watermark)
        var again = OperatorSnapshot()
        try fresh.snapshotState(into: &again, checkpoint: 8)
        let same = again.encoded() == bytes  // (a Bool: a failure does not print every byte)
        #expect(same, "the restored state saves to the same bytes")
        return fresh
    }

    /// Feeds `steps`, replacing the operator by a restored copy before each step in `splits` (and after
    /// `finish()` when `afterFinish`, which must then emit nothing more).
    static func run(
        _ make: () throws -> WindowOperator, _ events: [Event], _ steps: [Step], splits: Set<Int>, afterFinish: Bool = false
    ) throws -> Outcome {
        let out = Collector(exact: true), late = Collector(exact: true)
        var w = try make()
        w.out.connect(out)
        w.late.connect(late)
        for (i, step) in steps.enumerated() {
            if splits.contains(i) {
                w = try restored(w, make)
                w.out.connect(out)
                w.late.connect(late)
            }
            switch step {
            case .batch(let range): try w.process(batch(events[range], keyType: .string), port: 0)
            case .watermark(let wm): try w.advanceWatermark(to: wm)
            }
        }
        try w.finish()
        #expect(w.openEntries == 0)
        if afterFinish {
            w = try restored(w, make)
            w.out.connect(out)
            w.late.connect(late)
            try w.finish()
        }
        return Outcome(out: out.rows, late: late.rows, windowsFired: w.windowsFired, lateRecords: w.lateRecords)
    }

    /// The first difference of two runs, for a readable failure.
    static func difference(_ a: Outcome, _ b: Outcome) -> String {
        for (what, x, y) in [("out", a.out, b.out), ("late", a.late, b.late)] where x != y {
            let i = (0..<min(x.count, y.count)).first { x[$0] != y[$0] } ?? min(x.count, y.count)
            return "\(what) row \(i): \(i < x.count ? x[i] : "<end>") vs \(i < y.count ? y[i] : "<end>") (\(x.count) vs \(y.count) rows)"
        }
        return "counters \(a.windowsFired)/\(a.lateRecords) vs \(b.windowsFired)/\(b.lateRecords)"
    }

    static let kinds: [WindowKind] = [.tumbling(size: 20), .hopping(size: 20, advance: 5), .sliding(size: 15), .session(gap: 8)]

    // MARK: Tests

    /// At seeded random steps (several in one run too, and after the end), the operator is saved and
    /// replaced by a restored copy: the concatenated output — rows, order, watermarks — is identical.
    @Test(arguments: kinds, EmitMode.allCases)
    func aRestoredOperatorGoesOnAsIfUninterrupted(_ kind: WindowKind, _ mode: EmitMode) throws {
        for (seed, grace) in [(UInt64(1), Int64(0)), (2, 7)] {
            let events = Self.events(seed: seed &* 1_000_003, count: 400, keys: 6)
            let steps = Self.steps(events, seed: seed)
            let make = { try Self.window(kind, grace: grace, mode: mode) }
            let plain = try Self.run(make, events, steps, splits: [])
            #expect(plain.out.count > 50)
            #expect(plain.lateRecords > 0)
            var rng = Random(state: seed &* 977)
            for split in [0] + (0..<4).map({ _ in rng.int(1...steps.count - 1) }) {
                let resumed = try Self.run(make, events, steps, splits: [split])
                let same = resumed == plain
                #expect(same, "\(kind) \(mode) grace \(grace): split at step \(split): \(Self.difference(resumed, plain))")
            }
            let splits = Set((0..<6).map { _ in rng.int(1...steps.count - 1) })
            let many = try Self.run(make, events, steps, splits: splits, afterFinish: true)
            let same = many == plain
            #expect(same, "\(kind) \(mode) grace \(grace): splits \(splits.sorted()) and after the end: \(Self.difference(many, plain))")
        }
    }

    /// Two instances fed by key-group routing are saved and restored into three (each from both files),
    /// which go on with three-way routing: the same results as one uninterrupted instance, and the same
    /// counters in sum.
    @Test(arguments: kinds, [FieldType.string, .i64])
    func restoredIntoMoreInstancesTheResultsAreTheSame(_ kind: WindowKind, _ keyType: FieldType) throws {
        for mode in EmitMode.allCases {
            let events = Self.events(seed: 42, count: 600, keys: 40)
            let steps = Self.steps(events, seed: 42)
            let make = { try Self.window(kind, grace: 5, mode: mode, keyType: keyType) }
            let keyGroups = KeyGroups()

            func feed(_ ops: [WindowOperator], _ step: Step) throws {
                switch step {
                case .batch(let range):
                    let all = Self.batch(events[range], keyType: keyType)
                    let parts = ops.map { _ in RecordBatch(schema: all.schema, capacity: all.count) }
                    for i in 0..<all.count {
                        let hash = PartitionedEdge.keyHash(of: all.record(at: i), field: 0)!
                        parts[keyGroups.instance(ofHash: hash, parallelism: ops.count)].appendForwarded(from: all, index: i)
                    }
                    for (op, part) in zip(ops, parts) where !part.isEmpty { try op.process(part, port: 0) }
                case .watermark(let wm):
                    for op in ops { try op.advanceWatermark(to: wm) }
                }
            }
            func connected(_ ops: [WindowOperator], _ out: Collector, _ late: Collector) -> [WindowOperator] {
                for op in ops {
                    op.out.connect(out)
                    op.late.connect(late)
                }
                return ops
            }

            let singleOut = Collector(exact: false), singleLate = Collector(exact: false)
            let single = connected([try make()], singleOut, singleLate)
            for step in steps { try feed(single, step) }
            try single[0].finish()

            let out = Collector(exact: false), late = Collector(exact: false)
            var ops = connected([try make(), try make()], out, late)
            let split = steps.count / 2
            for (i, step) in steps.enumerated() {
                if i == split {
                    var files: [DecodedOperatorSnapshot] = []
                    for (n, op) in ops.enumerated() {
                        try op.out.flush()
                        try op.late.flush()
                        var snapshot = OperatorSnapshot()
                        try op.snapshotState(into: &snapshot, checkpoint: 3)
                        files.append(try DecodedOperatorSnapshot(snapshot.encoded(), name: "w#\(n)"))
                    }
                    let open = ops.reduce(0) { $0 + $1.openEntries }, keys = ops.reduce(0) { $0 + $1.liveKeys }
                    let watermark = ops.map(\.watermark).min()!
                    let fired = ops.reduce(0) { $0 + $1.windowsFired }, lateCount = ops.reduce(0) { $0 + $1.lateRecords }
                    ops = try connected(
                        (0..<3).map { n in
                            let op = try make()
                            try op.restoreState(from: OperatorRestore(instance: n, parallelism: 3, keyGroups: keyGroups, snapshots: files))
                            return op
                        }, out, late)
                    #expect(ops.reduce(0) { $0 + $1.openEntries } == open, "every window restored once")
                    #expect(ops.reduce(0) { $0 + $1.liveKeys } == keys)
                    #expect(ops.allSatisfy { $0.watermark == watermark }, "the smallest watermark")
                    #expect(ops[0].windowsFired == fired && ops[1].windowsFired == 0 && ops[2].windowsFired == 0)
                    #expect(ops[0].lateRecords == lateCount)
                    #expect(open > 10 && ops.allSatisfy { $0.openEntries > 0 }, "state spread over the three")
                }
                try feed(ops, step)
            }
            for op in ops { try op.finish() }

            let sameOut = out.rows.sorted() == singleOut.rows.sorted(), sameLate = late.rows.sorted() == singleLate.rows.sorted()
            #expect(sameOut, "\(kind) \(mode) \(keyType): \(out.rows.count) rows vs \(singleOut.rows.count)")
            #expect(sameLate, "\(kind) \(mode) \(keyType): \(late.rows.count) late vs \(singleLate.rows.count)")
            #expect(ops.reduce(0) { $0 + $1.windowsFired } == single[0].windowsFired)
            #expect(ops.reduce(0) { $0 + $1.lateRecords } == single[0].lateRecords)
            #expect(single[0].lateRecords > 0)
        }
    }

    /// A snapshot with some state of every kind of accumulator, and its encoded file.
    static func savedState(_ kind: WindowKind) throws -> (OperatorSnapshot, [UInt8]) {
        let events = Self.events(seed: 9, count: 120, keys: 4)
        let w = try Self.window(kind, grace: 3, mode: .update)
        try w.process(Self.batch(events[...], keyType: .string), port: 0)
        #expect(w.openEntries > 0)
        var snapshot = OperatorSnapshot()
        try w.snapshotState(into: &snapshot, checkpoint: 1)
        return (snapshot, snapshot.encoded())
    }

    /// Restores `file` into a fresh operator of `kind`: nil when it worked, else the error.
    static func restoreError(_ file: [UInt8], _ kind: WindowKind) -> Error? {
        do {
            let decoded = try DecodedOperatorSnapshot(file, name: "w")
            try Self.window(kind, grace: 3, mode: .update).restoreState(
                from: OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(), snapshots: [decoded]))
            return nil
        } catch {
            return error
        }
    }

    /// Truncated anywhere — the file, the operator state or any keyed entry — or with bytes flipped, a
    /// snapshot throws `SnapshotCorrupt` (a flipped byte may also still restore); it never crashes. A
    /// snapshot of another configuration is refused.
    @Test(arguments: kinds)
    func aCorruptSnapshotThrows(_ kind: WindowKind) throws {
        let (snapshot, file) = try Self.savedState(kind)
        #expect(Self.restoreError(file, kind) == nil)
        for n in stride(from: 0, to: file.count, by: max(1, file.count / 300)) {
            #expect(Self.restoreError(Array(file[..<n]), kind) is SnapshotCorrupt, "the file cut at \(n) of \(file.count)")
        }
        // Rebuild the file with one part cut short: the container stays valid, the window state does not.
        let decoded = try DecodedOperatorSnapshot(file, name: "w")
        func rebuilt(state: [UInt8], entries: [(group: Int, bytes: [UInt8])]) -> [UInt8] {
            var s = OperatorSnapshot()
            s.operatorState.append(raw: UnsafeRawBufferPointer(start: state, count: state.count))
            for e in entries { s.addKeyed(group: e.group) { $0.append(raw: UnsafeRawBufferPointer(start: e.bytes, count: e.bytes.count)) } }
            return s.encoded()
        }
        let entries = decoded.entries.map { (group: $0.group, bytes: Array(decoded.bytes[$0.range])) }
        #expect(rebuilt(state: decoded.operatorState, entries: entries) == file)
        for n in 0..<decoded.operatorState.count {
            #expect(Self.restoreError(rebuilt(state: Array(decoded.operatorState[..<n]), entries: entries), kind) is SnapshotCorrupt)
        }
        for (i, entry) in entries.enumerated() where i < 3 {
            for n in 0..<entry.bytes.count {
                var cut = entries
                cut[i].bytes = Array(entry.bytes[..<n])
                #expect(Self.restoreError(rebuilt(state: decoded.operatorState, entries: cut), kind) is SnapshotCorrupt, "entry \(i) cut at \(n)")
            }
        }
        // An entry in another key group than its key's.
        var moved = entries
        moved[0].group = (moved[0].group + 1) % KeyGroups.defaultMaxParallelism
        #expect(Self.restoreError(rebuilt(state: decoded.operatorState, entries: moved), kind) is SnapshotCorrupt)
        // Flipped bytes anywhere in the keyed state: corrupt or restored, never a crash.
        var rng = Random(state: 77)
        for _ in 0..<300 {
            var flipped = entries
            let i = rng.int(0...entries.count - 1)
            flipped[i].bytes[rng.int(0...flipped[i].bytes.count - 1)] ^= UInt8(1 << rng.int(0...7))
            let error = Self.restoreError(rebuilt(state: decoded.operatorState, entries: flipped), kind)
            #expect(error == nil || error is SnapshotCorrupt, "\(String(describing: error))")
        }
        // Another configuration: another kind, grace, or max parallelism.
        let other: WindowKind = kind == .session(gap: 8) ? .tumbling(size: 20) : .session(gap: 8)
        #expect(Self.restoreError(file, other) is SnapshotCorrupt)
        #expect(throws: SnapshotCorrupt.self) {
            try Self.window(kind, grace: 4, mode: .update).restoreState(
                from: OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(), snapshots: [decoded]))
        }
        #expect(throws: SnapshotCorrupt.self) {
            try Self.window(kind, grace: 3, mode: .update).restoreState(
                from: OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(maxParallelism: 64), snapshots: [decoded]))
        }
        _ = snapshot
    }
}
