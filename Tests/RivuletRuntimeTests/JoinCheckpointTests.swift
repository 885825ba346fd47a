// JoinCheckpointTests: joins and tables snapshotted mid-run and restored into fresh instances (and rescaled).
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletJoins
import RivuletSnapshot
import RivuletState
import Testing

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
