// OrderedSinkTests: a sink fed by parallel window instances writes the same file every run with `ordered: true`.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

/// Parallel window instances deliver their results in whatever order their rings do; `ordered: true`
/// holds them until the watermark passes them and writes them in the window's order (end, start, key),
/// so every run — and every parallelism — writes the same bytes as one instance does.
@Suite struct OrderedSinkTests {
    /// `count` events over ~100 s of event time, 300 keys, up to 2 s out of order.
    static func events(_ count: Int) -> String {
        var state: UInt64 = 7
        var lines: [String] = []
        for i in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let jitter = Int(state >> 33) % 2000
            lines.append("\(1_000_000 + i * 5 - jitter),k\(Int(state >> 40) % 300),\(Int(state >> 50) % 100)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func manifest(parallelism: Int, ordered: Bool, window: String = "tumbling, size: 10s", extra: String = "") -> String {
        """
        \(extra)
        sources:
          events: { type: file, path: events.csv, header: false, schema: { ts: i64, key: string, value: i64 }, time: { type: event, field: ts, max_out_of_order: 2s } }
        operators:
          w: { window: \(window), key_by: key, parallelism: \(parallelism), aggregates: { n: count(), s: sum(value) } }
        sinks:
          out: { type: file, path: out.csv, ordered: \(ordered) }
        edges: [events -> w, w.out -> out]
        """
    }

    @Test(arguments: ["tumbling, size: 10s", "tumbling, size: 10s, grace: 3s", "hopping, size: 10s, advance: 5s", "session, gap: 50ms"])
    func parallelInstancesWriteWhatOneInstanceWrites(window: String) throws {
        let t = TopologyRunner()
        t.write("events.csv", Self.events(20_000))
        _ = try t.run(Self.manifest(parallelism: 1, ordered: false, window: window), batchSize: 64)
        let one = t.read("out.csv")
        #expect(one.split(separator: "\n").count > 1_000)
        for (batchSize, ring) in [(64, 4), (1024, 64), (7, 2)] {
            _ = try t.run(Self.manifest(parallelism: 3, ordered: true, window: window), batchSize: batchSize, ringCapacity: ring)
            #expect(t.read("out.csv") == one, "parallelism 3, batches of \(batchSize), rings of \(ring)")
        }
    }

    /// In a checkpointed run the file is committed in two phases; results held at a barrier are in the
    /// checkpoint (the windows emitted them already), and the file is still the one-instance file.
    @Test func aCheckpointedRunWritesTheSameFile() throws {
        let t = TopologyRunner()
        t.write("events.csv", Self.events(200_000))
        _ = try t.run(Self.manifest(parallelism: 1, ordered: false), batchSize: 64)
        let large = t.read("out.csv")
        let summary = try t.run(
            Self.manifest(parallelism: 2, ordered: true, extra: "checkpoint: { interval: 10ms, dir: chk }"), batchSize: 16, ringCapacity: 2)
        #expect(summary.checkpointsCompleted > 0)
        #expect(t.read("out.csv") == large)
    }

    @Test func orderedNeedsTheFinalResultsOfAWindow() throws {
        let t = TopologyRunner()
        t.write("events.csv", Self.events(10))
        #expect(throws: (any Error).self) {
            _ = try t.plan(
                """
                sources:
                  events: { type: file, path: events.csv, header: false, schema: { ts: i64, key: string, value: i64 } }
                sinks:
                  out: { type: file, path: out.csv, ordered: true }
                edges: [events -> out]
                """)
        }
        do {
            _ = try t.plan(Self.manifest(parallelism: 2, ordered: true, window: "tumbling, size: 10s, emit: update"))
            Issue.record("an update-mode window's sink was accepted with ordered: true")
        } catch {
            #expect("\(error)".contains("ordered: true orders the results of windows with emit: final"), "\(error)")
        }
    }
}
