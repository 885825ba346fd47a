// JoinCheckpointTests: joins and tables snapshotted mid-run and restored into fresh instances (and rescaled).
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletJoins
import RivuletSnapshot
import RivuletState
import Testing

/// Collects what an output port sends: every record as text (all it carries), and watermarks.
private final class CollectingEdge: Edge {
    let name = "collector"
    /// In order: records (with the watermark before each) and watermarks.
    var items: [String] = []
    /// Records only, without their watermark: what a parallel run must produce as a multiset.
    var contents: [String] = []
    var isFused: Bool { false }

    func send(_ batch: RecordBatch) throws {
        for i in 0..<batch.count {
            let text = Self.describe(batch.record(at: i))
            items.append("\(text) w=\(batch.watermarkBefore(i))")
            contents.append(text)
        }
    }

    func sendWatermark(_ watermark: Int64) throws { items.append("W \(watermark)") }
    func sendEndOfStream() throws {}
    func sendBarrier(_ id: UInt64) throws {}

    static func describe(_ record: UnsafePointer<rv_record>) -> String {
        let r = record.pointee
        var text = "op=\(r.op) t=\(r.timestamp) p=\(r.partition) o=\(r.offset) k=\(hex(r.key, Int(r.key_len))) v=\(hex(r.value, Int(r.value_len)))"
        for f in 0..<Int(r.field_count) {
            let v = r.fields[f]
            if v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue {
                text += " \(v.type):\(hex(v.value.ptr, Int(v.len)))"
            } else if v.type == FieldType.null.rawValue {
                text += " null"
            } else {
                text += " \(v.type):\(v.value.i64)"
            }
        }
        return text
    }

    static func hex(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> String {
        guard let bytes, count > 0 else { return "" }
        return (0..<count).map { String(bytes[$0], radix: 16) }.joined(separator: ".")
    }
}

/// A small, seeded, platform-independent generator.
private struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

private enum Value {
    case s(String), i(Int64), null
}

private struct Input {
    var time: Int64
    var fields: [Value]
    var key: String?
    var op: UInt32
    var watermark: Int64
    var offset: Int64
}

private enum Step {
    case batch(port: Int, records: [Input], cap: Int64)
    case watermark(Int64)
}

/// One operator instance under test, with its output ports (`out`, then the late ports) and its store.
private struct Harness {
    let op: CheckpointedOperator
    let ports: [OutputPort]
    let store: KeyValueStore?
    /// The counters the operator keeps (matched records, pairs, changes).
    let counters: () -> [Int]
    var buffered: Int { (op as? JoinOperator)?.bufferedRecords ?? 0 }
}

/// An operator to test: its inputs, how to make instances, how to make records.
private struct Subject: CustomStringConvertible, @unchecked Sendable {
    let description: String
    let schemas: [Schema]
    /// Per input, the field records are partitioned by (the join key).
    let keyFields: [Int]
    /// Makes an instance, using `store` if given (the store is checkpointed elsewhere: carried over).
    let make: (_ store: KeyValueStore?, _ stamps: Bool) -> Harness
    /// The fields, key and op of a record of input `port`.
    let record: (_ rng: inout SplitMix, _ port: Int, _ time: Int64) -> (fields: [Value], key: String?, op: UInt32)
}

private func route(_ schema: Schema) -> DeadLetterRoute {
    DeadLetterRoute(node: "j", sink: CollectedDeadLetters(), errorsPort: nil, inputSchema: schema)
}

private func string(_ name: String) -> FieldDefinition { FieldDefinition(name: name, type: .string) }
private func int(_ name: String) -> FieldDefinition { FieldDefinition(name: name, type: .i64) }

private func pick(_ rng: inout SplitMix, _ prefix: String, _ n: Int, empty: Int = 0) -> Value {
    rng.chance(empty) ? .s("") : .s("\(prefix)\(rng.below(n))")
}

private func key(_ v: Value) -> String? {
    if case .s(let s) = v { return s }
    return nil
}

private enum Subjects {
    static func streamTable(_ kind: JoinKind) -> Subject {
        let left = Schema([string("user"), int("amount")])
        let right = Schema([string("user"), string("name"), int("t")])
        return Subject(
            description: "stream-table \(kind)", schemas: [left, right], keyFields: [0, 0],
            make: { store, stamps in
                let j = StreamTableJoin(
                    name: "st", kind: kind, left: left, right: right, leftKey: 0, rightKey: 0, rightTime: 2, batchCapacity: 7,
                    deadLetters: route(left))
                if let store { j.table = store }
                j.stampsResultPositions = stamps
                return Harness(op: j, ports: [j.out, j.lateLeft, j.lateRight], store: j.table) { [j.matched, j.unmatched] }
            },
            record: { rng, port, time in
                if port == 0 {
                    let user = pick(&rng, "u", 6, empty: 10)
                    return ([user, .i(Int64(rng.below(100)))], key(user), RV_OP_INSERT)
                }
                let user = pick(&rng, "u", 6, empty: 4)
                if rng.chance(10) { return ([user, .null, .i(time)], nil, RV_OP_DELETE) }
                if rng.chance(10) { return ([user, .null, .i(time)], nil, RV_OP_INSERT) }
                return ([user, .s("n\(rng.below(3))"), .i(time)], nil, RV_OP_INSERT)
            })
    }

    /// A foreign-key join (orders → customers), or with `primaryKey` a join on the order id on both sides.
    /// `stableForeignKeys`: an order always points at the same customer (a parallel FK join needs it).
    static func tableTable(_ kind: JoinKind, primaryKey: Bool, stableForeignKeys: Bool = false) -> Subject {
        let left = Schema([string("order"), string("customer"), int("qty"), int("t")])
        let right = Schema([string("customer"), string("cname")])
        return Subject(
            description: "table-table \(kind)\(primaryKey ? " pk" : " fk")", schemas: [left, right], keyFields: [primaryKey ? 0 : 1, 0],
            make: { _, stamps in
                let j = TableTableJoin(
                    name: "tt", kind: kind, left: left, right: right, leftPK: 0, leftFK: primaryKey ? 0 : 1, rightKey: 0, leftTime: 3,
                    rightTime: nil, batchCapacity: 5, deadLetters: route(left))
                j.stampsResultPositions = stamps
                return Harness(op: j, ports: [j.out, j.lateLeft, j.lateRight], store: nil) { [] }
            },
            record: { rng, port, time in
                if port == 0 {
                    let n = rng.below(8)
                    let order: Value = rng.chance(3) ? .s("") : .s("o\(n)")
                    let customer: Value =
                        stableForeignKeys ? .s("c\(n % 4)") : rng.chance(10) ? .null : pick(&rng, "c", 4)
                    // A parallel FK join routes a left row by its foreign key: a delete must carry it (a
                    // tombstone, all fields empty, cannot).
                    if rng.chance(5) { return ([order, stableForeignKeys ? customer : .null, .null, .i(time)], nil, RV_OP_DELETE) }
                    if !stableForeignKeys && rng.chance(8) { return ([order, .null, .null, .i(time)], nil, RV_OP_INSERT) }
                    return ([order, customer, .i(Int64(rng.below(3))), .i(time)], nil, RV_OP_INSERT)
                }
                let k = primaryKey ? pick(&rng, "o", 9) : pick(&rng, "c", 5, empty: 3)
                if rng.chance(8) { return ([k, .null], nil, RV_OP_DELETE) }
                if rng.chance(8) { return ([k, .null], nil, RV_OP_INSERT) }
                return ([k, .s("N\(rng.below(3))")], nil, RV_OP_INSERT)
            })
    }

    static func streamStream(_ kind: JoinKind) -> Subject {
        let left = Schema([int("k"), string("a")])
        let right = Schema([int("k"), string("b")])
        return Subject(
            description: "stream-stream \(kind)", schemas: [left, right], keyFields: [0, 0],
            make: { _, stamps in
                let j = StreamStreamJoin(
                    name: "ss", kind: kind, left: left, right: right, leftKey: 0, rightKey: 0, within: 5, grace: 2, batchCapacity: 6,
                    deadLetters: route(left))
                j.stampsResultPositions = stamps
                return Harness(op: j, ports: [j.out, j.lateLeft, j.lateRight], store: nil) { [j.pairs] }
            },
            record: { rng, port, time in
                let k: Value = rng.chance(8) ? .null : .i(Int64(rng.below(5)) * 1_000_003)
                return ([k, .s("\(port == 0 ? "a" : "b")\(rng.below(1000))")], nil, RV_OP_INSERT)
            })
    }

    static let table: Subject = {
        let schema = Schema([string("k"), int("v"), int("t")])
        return Subject(
            description: "table", schemas: [schema], keyFields: [0],
            make: { store, stamps in
                let t = TableOperator(name: "tab", schema: schema, key: 0, timeField: 2, batchCapacity: 4, deadLetters: route(schema))
                if let store { t.store = store }
                t.stampsResultPositions = stamps
                return Harness(op: t, ports: [t.out], store: t.store) { [t.changes] }
            },
            record: { rng, _, time in
                let k = pick(&rng, "k", 6, empty: 5)
                if rng.chance(5) { return ([k, .null, .i(time)], nil, RV_OP_DELETE) }
                if rng.chance(8) { return ([k, .null, .i(time)], nil, RV_OP_INSERT) }
                return ([k, .i(Int64(rng.below(3))), .i(time)], key(k), RV_OP_INSERT)
            })
    }()

    static let all: [Subject] =
        [streamTable(.inner), streamTable(.left)]
        + [tableTable(.inner, primaryKey: false), tableTable(.left, primaryKey: false), tableTable(.outer, primaryKey: true)]
        + [streamStream(.inner), streamStream(.left), streamStream(.outer), table]
}

/// Two (or one) inputs with bounded disorder and some late records; the watermark before each record is its
/// input's `max − 4`; the operator's watermark (the minimum of its inputs') advances now and then.
private func script(_ subject: Subject, seed: UInt64, steps: Int = 90) -> [Step] {
    var rng = SplitMix(state: seed)
    let ports = subject.schemas.count
    var clock: Int64 = 1_000
    var maxSeen = [Int64](repeating: .min, count: ports)
    var offset: Int64 = 0
    func watermark(_ p: Int) -> Int64 { maxSeen[p] == .min ? .min : maxSeen[p] - 4 }
    var told = Int64.min
    var result: [Step] = []
    for _ in 0..<steps {
        let port = rng.below(ports)
        var records: [Input] = []
        for _ in 0..<(1 + rng.below(5)) {
            clock += Int64(rng.below(3))
            let time = rng.chance(7) ? clock - 10 - Int64(rng.below(10)) : clock - Int64(rng.below(4))
            let (fields, key, op) = subject.record(&rng, port, time)
            records.append(Input(time: time, fields: fields, key: key, op: op, watermark: watermark(port), offset: offset))
            offset += 1
            maxSeen[port] = max(maxSeen[port], time)
        }
        result.append(.batch(port: port, records: records, cap: ports == 2 ? watermark(1 - port) : .max))
        let operatorWatermark = (0..<ports).map(watermark).min()!
        if rng.chance(50) && operatorWatermark > told {
            told = operatorWatermark
            result.append(.watermark(operatorWatermark))
        }
    }
    return result
}

private func batch(_ schema: Schema, _ records: [Input], port: Int) -> RecordBatch {
    let b = RecordBatch(schema: schema, capacity: max(1, records.count))
    for r in records {
        let i = b.appendEmpty(timestamp: r.time, partition: Int32(port), offset: r.offset)
        for (f, v) in r.fields.enumerated() {
            switch v {
            case .s(let s): b.setStringField(i, f, s)
            case .i(let n):
                var field = rv_field()
                field.type = FieldType.i64.rawValue
                field.value.i64 = n
                b.setField(i, f, field)
            case .null: break
            }
        }
        if let key = r.key { Array(key.utf8).withUnsafeBytes { b.setKey(i, $0.baseAddress, count: $0.count) } }
        b.setOp(i, r.op)
        b.setWatermarkBefore(i, r.watermark)
    }
    return b
}

private func feed(_ step: Step, _ subject: Subject, to op: StreamOperator) throws {
    switch step {
    case .batch(let port, let records, let cap):
        try op.process(batch(subject.schemas[port], records, port: port), port: port, watermarkCap: cap)
    case .watermark(let w):
        try op.advanceWatermark(to: w)
    }
}

/// A snapshot through its file: encoded, then decoded as a restart reads it.
private func checkpoint(_ harness: Harness, _ id: UInt64, name: String) throws -> DecodedOperatorSnapshot {
    var snapshot = OperatorSnapshot()
    try harness.op.snapshotState(into: &snapshot, checkpoint: id)
    return try DecodedOperatorSnapshot(snapshot.encoded(), name: name)
}

/// A copy of every entry of `stores` (what restoring the stores at another parallelism would give an instance).
private func merged(_ stores: [KeyValueStore?]) throws -> KeyValueStore? {
    guard stores.contains(where: { $0 != nil }) else { return nil }
    let result = MemoryStore(name: "merged", budget: 1 << 26)
    for case let store? in stores {
        let scan = try store.scan(from: [], to: nil)
        while let pair = scan.next() { try result.put(pair.key, pair.value) }
        scan.close()
    }
    return result
}

@Suite struct JoinCheckpointTests {
    /// Runs `steps` through one instance, restoring into a fresh one (the store carried over) at each of
    /// `splits` (step indexes; `steps.count` + 1: after `finish`). Returns each port's output, and the
    /// waiting records at each split.
    private static func run(_ subject: Subject, _ steps: [Step], splits: Set<Int> = [], stamps: Bool = true) throws -> (
        output: [[String]], bufferedAtSplits: [Int], counters: [Int]
    ) {
        var current = subject.make(nil, stamps)
        let collectors = current.ports.map { _ in CollectingEdge() }
        func connect(_ h: Harness) { for (port, c) in zip(h.ports, collectors) { port.connect(c) } }
        connect(current)
        var buffered: [Int] = []
        var id: UInt64 = 0
        func split() throws {
            id += 1
            buffered.append(current.buffered)
            let saved = try checkpoint(current, id, name: "\(subject) checkpoint \(id)")
            let fresh = subject.make(current.store, stamps)
            connect(fresh)
            try fresh.op.restoreState(from: OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(), snapshots: [saved]))
            #expect(fresh.buffered == current.buffered)
            current = fresh
        }
        for (i, step) in steps.enumerated() {
            if splits.contains(i) { try split() }
            try feed(step, subject, to: current.op)
        }
        if splits.contains(steps.count) { try split() }
        try current.op.finish()
        if splits.contains(steps.count + 1) {
            try split()
            // Restored after the end: finishing again emits nothing more.
            try current.op.finish()
        }
        return (collectors.map(\.items), buffered, current.counters())
    }

    /// The waiting records after each step of an uninterrupted run.
    private static func bufferedAfterEachStep(_ subject: Subject, _ steps: [Step]) throws -> [Int] {
        let h = subject.make(nil, false)
        var counts: [Int] = []
        for step in steps {
            try feed(step, subject, to: h.op)
            counts.append(h.buffered)
        }
        return counts
    }

    @Test(arguments: Subjects.all)
    fileprivate func restoredMidRunTheOutputIsThatOfAnUninterruptedRun(_ subject: Subject) throws {
        var sawBuffered = false
        for seed in UInt64(1)...12 {
            let steps = script(subject, seed: seed)
            let (expected, _, expectedCounters) = try Self.run(subject, steps)
            #expect(expected[0].count > 20, "the script makes output")
            var rng = SplitMix(state: seed &* 7919)
            var splits = Set((0..<3).map { _ in 1 + rng.below(steps.count - 1) })
            // A split while records wait for the watermark (the step before it left some).
            let waiting = try Self.bufferedAfterEachStep(subject, steps).enumerated().filter { $0.element > 0 }.map(\.offset)
            if !waiting.isEmpty { splits.insert(waiting[rng.below(waiting.count)] + 1) }
            if seed % 3 == 0 { splits.insert(steps.count + 1) }
            if seed % 4 == 0 { splits.insert(steps.count) }
            let (output, buffered, counters) = try Self.run(subject, steps, splits: splits)
            #expect(counters == expectedCounters, "seed \(seed): counters go on")
            sawBuffered = sawBuffered || buffered.contains { $0 > 0 }
            #expect(output == expected, "seed \(seed), splits \(splits.sorted())")
            if output != expected {
                for (port, (a, b)) in zip(output, expected).enumerated() where a != b {
                    let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
                    Issue.record("port \(port) differs at item \(at): \(a.dropFirst(at).first ?? "end") vs \(b.dropFirst(at).first ?? "end")")
                }
                return
            }
        }
        if subject.description != "table" { #expect(sawBuffered, "some split happened while records waited") }
    }

    /// Routes each record to the instance that owns its key group (as a partitioned edge would, by the join key).
    private static func routed(_ subject: Subject, _ step: Step, over instances: [Harness]) throws {
        guard case .batch(let port, let records, let cap) = step else {
            for h in instances { try feed(step, subject, to: h.op) }
            return
        }
        let whole = batch(subject.schemas[port], records, port: port)
        let parts = instances.map { _ in RecordBatch(schema: whole.schema, capacity: whole.count) }
        for i in 0..<whole.count {
            let hash = PartitionedEdge.keyHash(of: whole.record(at: i), field: subject.keyFields[port])!
            parts[KeyGroups().instance(ofHash: hash, parallelism: instances.count)].appendForwarded(from: whole, index: i)
        }
        for (h, part) in zip(instances, parts) where !part.isEmpty { try h.op.process(part, port: port, watermarkCap: cap) }
    }

    /// The output as multisets, per port.
    private static func parallelRun(_ subject: Subject, _ steps: [Step], from: Int, to: Int, at split: Int) throws -> (
        output: [[String]], counters: [Int]
    ) {
        var instances = (0..<from).map { _ in subject.make(nil, false) }
        let collectors = instances[0].ports.map { _ in CollectingEdge() }
        func connect(_ h: Harness) { for (port, c) in zip(h.ports, collectors) { port.connect(c) } }
        instances.forEach(connect)
        for (i, step) in steps.enumerated() {
            if i == split {
                let saved = try instances.enumerated().map { try checkpoint($1, 1, name: "\(subject) instance \($0)") }
                let store = try merged(instances.map(\.store))
                let fresh = (0..<to).map { _ in subject.make(try! merged([store]), false) }
                for (n, h) in fresh.enumerated() {
                    connect(h)
                    try h.op.restoreState(from: OperatorRestore(instance: n, parallelism: to, keyGroups: KeyGroups(), snapshots: saved))
                }
                #expect(fresh.map(\.buffered).reduce(0, +) == instances.map(\.buffered).reduce(0, +), "every waiting record restored once")
                instances = fresh
            }
            try Self.routed(subject, step, over: instances)
        }
        for h in instances { try h.op.finish() }
        // Counters summed over the instances.
        var counters = instances[0].counters().map { _ in 0 }
        for h in instances {
            for (i, c) in h.counters().enumerated() { counters[i] += c }
        }
        return (collectors.map { $0.contents.sorted() }, counters)
    }

    /// Keyed state moves with its key: a run rescaled from 2 to 3 instances (and 3 to 2) mid-run, records
    /// routed by key group, produces the same records as one instance.
    @Test(arguments: [
        Subjects.streamTable(.left), Subjects.streamTable(.inner), Subjects.tableTable(.outer, primaryKey: true),
        Subjects.tableTable(.left, primaryKey: false, stableForeignKeys: true), Subjects.streamStream(.outer),
        Subjects.streamStream(.left), Subjects.streamStream(.inner), Subjects.table,
    ])
    fileprivate func rescaledTheOutputIsThatOfOneInstance(_ subject: Subject) throws {
        for seed in UInt64(20)...27 {
            let steps = script(subject, seed: seed)
            let (single, singleCounters) = try Self.parallelRun(subject, steps, from: 1, to: 1, at: -1)
            let waiting = try Self.bufferedAfterEachStep(subject, steps).enumerated().filter { $0.element > 0 }.map(\.offset)
            var rng = SplitMix(state: seed)
            let split = waiting.isEmpty ? steps.count / 2 : waiting[rng.below(waiting.count)] + 1
            for (from, to) in [(2, 3), (3, 2)] {
                let (parallel, counters) = try Self.parallelRun(subject, steps, from: from, to: to, at: split)
                #expect(counters == singleCounters, "seed \(seed), \(from) → \(to): each counter counted once")
                for (port, (p, s)) in zip(parallel, single).enumerated() where p != s {
                    let extra = p.filter { !s.contains($0) }.prefix(3), missing = s.filter { !p.contains($0) }.prefix(3)
                    Issue.record(
                        "seed \(seed), \(from) → \(to) at step \(split), port \(port): \(p.count) vs \(s.count) records; extra \(extra), missing \(missing)"
                    )
                }
            }
        }
    }

    /// A snapshot with state of every kind (held rows, waiting records, emitted rows) for the corruption tests.
    private static func richSnapshot(_ subject: Subject) throws -> [UInt8] {
        let steps = script(subject, seed: 5)
        let waiting = try Self.bufferedAfterEachStep(subject, steps).enumerated().filter { $0.element > 0 }.map(\.offset)
        let stop = waiting.last.map { $0 + 1 } ?? steps.count
        let h = subject.make(nil, true)
        for step in steps.prefix(stop) { try feed(step, subject, to: h.op) }
        var snapshot = OperatorSnapshot()
        try h.op.snapshotState(into: &snapshot, checkpoint: 1)
        #expect(snapshot.keyedEntries > 0 || subject.description == "table")
        return snapshot.encoded()
    }

    /// Decodes and restores `bytes` into a fresh instance; nil when it restored, else the error.
    private static func restoreError(_ subject: Subject, _ bytes: [UInt8]) -> Error? {
        do {
            let decoded = try DecodedOperatorSnapshot(bytes, name: "damaged")
            let h = subject.make(nil, true)
            try h.op.restoreState(from: OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(), snapshots: [decoded]))
            return nil
        } catch {
            return error
        }
    }

    /// The snapshot file's sections (`OperatorSnapshot.encoded()`'s layout) re-encoded with one of them cut.
    private static func sections(_ bytes: [UInt8]) throws -> (header: [UInt8], state: [UInt8], entries: [(group: UInt16, bytes: [UInt8])]) {
        var r = SnapshotReader(bytes, name: "file")
        let header = try r.readRaw(count: 6)
        let state = try r.readBytes()
        let count = try r.readUInt64()
        var entries: [(UInt16, [UInt8])] = []
        for _ in 0..<count { entries.append((try r.readUInt16(), try r.readBytes())) }
        return (header, state, entries)
    }

    private static func encode(_ header: [UInt8], _ state: [UInt8], _ entries: [(group: UInt16, bytes: [UInt8])]) -> [UInt8] {
        var w = SnapshotWriter()
        header.withUnsafeBytes { w.append(raw: $0) }
        w.write(bytes: state)
        w.write(UInt64(entries.count))
        for e in entries {
            w.write(e.group)
            w.write(bytes: e.bytes)
        }
        return w.bytes
    }

    @Test(arguments: Subjects.all)
    fileprivate func aTruncatedOrDamagedSnapshotIsRefused(_ subject: Subject) throws {
        let bytes = try Self.richSnapshot(subject)
        #expect(Self.restoreError(subject, bytes) == nil, "the intact snapshot restores")
        // The file cut anywhere.
        for length in 0..<bytes.count {
            let error = Self.restoreError(subject, Array(bytes.prefix(length)))
            #expect(error is SnapshotCorrupt, "cut at \(length) of \(bytes.count): \(String(describing: error))")
        }
        // The operator state, or one keyed entry, cut anywhere (the file around it well-formed).
        let (header, state, entries) = try Self.sections(bytes)
        for length in 0..<state.count {
            let error = Self.restoreError(subject, Self.encode(header, Array(state.prefix(length)), entries))
            #expect(error is SnapshotCorrupt, "state cut at \(length): \(String(describing: error))")
        }
        for (e, entry) in entries.enumerated().prefix(20) {
            for length in 0..<entry.bytes.count {
                var cut = entries
                cut[e].bytes = Array(entry.bytes.prefix(length))
                let error = Self.restoreError(subject, Self.encode(header, state, cut))
                #expect(error is SnapshotCorrupt, "entry \(e) cut at \(length): \(String(describing: error))")
            }
            // Moved to another key group: refused.
            var moved = entries
            moved[e].group = (entry.group + 1) % 128
            #expect(Self.restoreError(subject, Self.encode(header, state, moved)) is SnapshotCorrupt)
        }
        // Any byte flipped: restored (a value changed) or refused, never a crash or another error.
        var rng = SplitMix(state: 99)
        for _ in 0..<3_000 {
            var damaged = bytes
            let at = rng.below(damaged.count)
            damaged[at] ^= UInt8(1 + rng.below(255))
            let error = Self.restoreError(subject, damaged)
            #expect(error == nil || error is SnapshotCorrupt, "byte \(at) flipped: \(String(describing: error))")
        }
        // A snapshot of another kind of operator.
        let other = subject.description.hasPrefix("stream-stream") ? Subjects.table : Subjects.streamStream(.inner)
        #expect(Self.restoreError(other, bytes) is SnapshotCorrupt)
    }
}
