// JoinLatenessTests: `lateness: input` (behind the record's own input's watermark) and `lateness: operator`
// (behind the join's, Flink's interval join) on hand-made interleavings and on seeded scripts.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletJoins
import RivuletSnapshot
import RivuletTestSupport
import Testing

@Suite struct JoinLatenessTests {
    /// Runs `steps` through one instance of `subject`; returns what left through each port.
    private static func run(_ subject: Subject, _ steps: [Step], byOperatorWatermark: Bool) throws -> (out: [String], late: [[String]]) {
        let h = subject.make(nil, false)
        (h.op as! JoinOperator).latenessByOperatorWatermark = byOperatorWatermark
        let collectors = h.ports.map { _ in CollectingEdge() }
        for (port, c) in zip(h.ports, collectors) { port.connect(c) }
        for step in steps { try feed(step, subject, to: h.op) }
        try h.op.finish()
        return (collectors[0].contents, [collectors[1].contents, collectors[2].contents])
    }

    private static func left(_ t: Int64, _ k: Int64, _ a: String, watermark: Int64, offset: Int64) -> Input {
        Input(time: t, fields: [.i(k), .s(a)], key: nil, op: RV_OP_INSERT, watermark: watermark, offset: offset)
    }

    /// The left record at 12 comes after the left input's watermark reached 26, while the right input's
    /// is still 7: behind its own input's watermark, not behind the join's. `input` diverts it;
    /// `operator` keeps it and pairs it with the right record at 11 (within 5). Once the right input has
    /// caught up (its watermark 26 too), both rules divert it.
    @Test func aRecordBehindItsInputButNotTheJoinIsKeptOnlyByTheOperatorRule() throws {
        let subject = Subjects.streamStream(.inner)
        func steps(rightWatermark: Int64) -> [Step] {
            [
                .batch(port: 1, records: [Self.left(11, 1, "r11", watermark: .min, offset: 0)], cap: .min),
                .batch(
                    port: 0,
                    records: [
                        Self.left(10, 1, "l10", watermark: .min, offset: 1),
                        Self.left(30, 2, "l30", watermark: 6, offset: 2),
                        Self.left(12, 1, "l12", watermark: 26, offset: 3),
                    ], cap: rightWatermark),
            ]
        }
        let lagging = steps(rightWatermark: 7)
        let byInput = try Self.run(subject, lagging, byOperatorWatermark: false)
        #expect(byInput.out.count == 1)
        #expect(byInput.late[0].count == 1 && byInput.late[0][0].contains("t=12 p=0 o=3"))
        let byOperator = try Self.run(subject, lagging, byOperatorWatermark: true)
        #expect(byOperator.out.count == 2)
        #expect(byOperator.out.allSatisfy { $0.contains("t=11") || $0.contains("t=12") })
        #expect(byOperator.late == [[], []])

        let caughtUp = steps(rightWatermark: 26)
        #expect(try Self.run(subject, caughtUp, byOperatorWatermark: true).late[0] == byInput.late[0])
        #expect(try Self.run(subject, caughtUp, byOperatorWatermark: false).late[0] == byInput.late[0])
    }

    /// On seeded scripts (bounded disorder, late records, the other input's watermark as the cap): with
    /// `operator` a record is late exactly when its time is before the join's watermark as of it — the
    /// largest of min(its input's watermark, the other's) so far and the watermarks told — and every
    /// record late by that rule is late by the default one too (and some late by the default are kept).
    @Test(arguments: [Subjects.streamStream(.inner), Subjects.streamStream(.left), Subjects.streamStream(.outer), Subjects.streamTable(.left)])
    fileprivate func theOperatorRuleDivertsExactlyTheRecordsBehindTheJoinsWatermark(_ subject: Subject) throws {
        var keptOnlyByOperatorRule = 0
        for seed in UInt64(1)...25 {
            let steps = script(subject, seed: seed)
            var joinWatermark = Int64.min
            var expected: [[Int64]] = [[], []]
            for step in steps {
                switch step {
                case .batch(let port, let records, let cap):
                    for r in records {
                        joinWatermark = max(joinWatermark, min(r.watermark, cap))
                        // A stream–table join applies its table's late changes: only its stream's leave.
                        let diverted = subject.description.hasPrefix("stream-stream") || port == 0
                        if diverted && joinWatermark != .min && r.time < joinWatermark { expected[port].append(r.offset) }
                    }
                case .watermark(let w):
                    joinWatermark = max(joinWatermark, w)
                }
            }
            let byOperator = try Self.run(subject, steps, byOperatorWatermark: true)
            let byInput = try Self.run(subject, steps, byOperatorWatermark: false)
            for port in 0..<2 {
                let offsets = byOperator.late[port].map(Self.offset)
                #expect(offsets.sorted() == expected[port].sorted(), "\(subject) seed \(seed) port \(port)")
                #expect(Set(offsets).isSubset(of: Set(byInput.late[port].map(Self.offset))), "\(subject) seed \(seed)")
                keptOnlyByOperatorRule += byInput.late[port].count - offsets.count
            }
        }
        // The scripts do make the other input lag: the rules differ on them.
        #expect(keptOnlyByOperatorRule > 0)
    }

    /// The manifest's `lateness` reaches every join the planner builds (default `input`).
    @Test(arguments: ["stream_stream, within: 5ms", "stream_table", "table_table"])
    func theManifestChoosesTheRule(kind: String) throws {
        for (lateness, byOperator) in [("", false), (", lateness: input", false), (", lateness: operator", true)] {
            let t = TopologyRunner()
            t.write("l.csv", "ts,k\n1,a\n")
            t.write("r.csv", "ts,k\n1,a\n")
            let plan = try t.plan(
                """
                sources:
                  l: { type: file, path: l.csv, schema: { ts: i64, k: string }, time: { type: event, field: ts } }
                  r: { type: file, path: r.csv, schema: { ts: i64, k: string }, time: { type: event, field: ts } }
                operators:
                  j: { join: \(kind), left_key: k, right_key: k\(lateness) }
                sinks:
                  out: { type: file, path: out.csv }
                edges: [l -> j.left, r -> j.right, j.out -> out]
                """)
            let joins = plan.nodes.first { $0.name == "j" }!.instances.map { $0 as! JoinOperator }
            #expect(joins.count == 1 && joins.allSatisfy { $0.latenessByOperatorWatermark == byOperator }, "\(kind)\(lateness)")
        }
    }

    /// With `operator`, a record kept behind its own input's watermark waits at its own time — also after
    /// a checkpoint restores it into a fresh instance: a run split anywhere gives the uninterrupted output.
    @Test(arguments: [Subjects.streamStream(.outer), Subjects.streamTable(.left)])
    fileprivate func aRestoredRunKeepsTheOperatorRulesOrder(_ subject: Subject) throws {
        for seed in UInt64(1)...10 {
            let steps = script(subject, seed: seed)
            let whole = try Self.run(subject, steps, byOperatorWatermark: true)
            for split in [steps.count / 3, steps.count / 2] {
                var current = subject.make(nil, false)
                (current.op as! JoinOperator).latenessByOperatorWatermark = true
                let collectors = current.ports.map { _ in CollectingEdge() }
                for (port, c) in zip(current.ports, collectors) { port.connect(c) }
                for (i, step) in steps.enumerated() {
                    if i == split {
                        let saved = try checkpoint(current, 1, name: "\(subject) split \(split)")
                        let fresh = subject.make(current.store, false)
                        (fresh.op as! JoinOperator).latenessByOperatorWatermark = true
                        for (port, c) in zip(fresh.ports, collectors) { port.connect(c) }
                        try fresh.op.restoreState(from: OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(), snapshots: [saved]))
                        current = fresh
                    }
                    try feed(step, subject, to: current.op)
                }
                try current.op.finish()
                #expect(collectors[0].contents == whole.out, "\(subject) seed \(seed) split \(split)")
            }
        }
    }

    /// The input offset in a collected record's text (`o=<offset>`).
    private static func offset(_ text: String) -> Int64 {
        let field = text.split(separator: " ").first { $0.hasPrefix("o=") }!
        return Int64(field.dropFirst(2))!
    }
}
