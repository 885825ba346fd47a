// BenchRunnerTests: generators in place of sources, latency at the sinks, and the report in every format.
import Foundation
import RivuletBench
import RivuletExecution
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct BenchRunnerTests {
    static let windowManifest = """
        name: windowed
        sources:
          events:
            type: file
            path: events.csv
            schema: { ts_ms: i64, key: string, value: i64 }
            time: { type: event, field: ts_ms, format: epoch_ms, max_out_of_order: 2s }
        operators:
          per_key:
            window: tumbling
            size: 10s
            key_by: key
            aggregates: { count: count(), sum: sum(value) }
        sinks:
          out: { type: file, path: out.csv }
        edges: [events -> per_key, per_key -> out]
        """

    static func settings(events: Int?, rate: Double?, warmup: Double) -> BenchReport.Settings {
        BenchReport.Settings(
            manifest: "manifest.yaml", events: events, keys: events == nil ? nil : 10, rate: rate, warmupSeconds: warmup,
            intervalSeconds: 0.05, batchSize: 1024, ringCapacity: 64, nullSinks: false)
    }

    /// Plans `manifest` with paced generators in place of its sources and a latency recorder, and runs it
    /// through `BenchRunner`.
    static func pacedRun(
        _ runner: TopologyRunner, _ manifest: String, events: Int, keys: Int, rate: Double,
        warmup: Double = 0
    ) throws -> (report: BenchReport, latency: LatencyRecorder) {
        let latency = LatencyRecorder(warmupNanoseconds: UInt64(warmup * 1e9))
        let plan = try runner.plan(manifest) {
            $0.generatorOverride = GeneratorOverride(events: events, keys: keys, rate: rate)
            $0.latency = latency
        }
        let report = try BenchRunner(settings: settings(events: events, rate: rate, warmup: warmup)).run(plan, latency: latency)
        return (report, latency)
    }

    /// A CSV source replaced by generated records of its shape: 25,000 records 1 ms apart over 10 keys make
    /// three 10 s windows (10,000 + 10,000 + 5,000 records) per key; the file itself is never read.
    @Test func generatorReplacesAFileSourceKeepingItsShape() throws {
        let runner = TopologyRunner()
        runner.write("events.csv", "ts_ms,key,value\nnot,a,number\n")
        let plan = try runner.plan(Self.windowManifest) { $0.generatorOverride = GeneratorOverride(events: 25_000, keys: 10, rate: nil, seed: 7) }
        let summary = try plan.run()
        #expect(summary.recordsIn == 25_000)
        #expect(summary.deadLetters == 0)
        let rows = runner.read("out.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 30)
        #expect(rows.reduce(0) { $0 + Int($1[3])! } == 25_000)
        let start = 1_704_067_200_000
        // key, window_start, window_end, count, sum
        #expect(Set(rows.map { Int($0[1])! }) == [start, start + 10_000, start + 20_000])
        #expect(rows.filter { Int($0[1])! == start + 20_000 }.reduce(0) { $0 + Int($1[3])! } == 5_000)
        #expect(Set(rows.map { String($0[0]) }) == Set((0..<10).map { "key-\($0)" }))

        // The same seed gives the same records; another seed other values.
        let again = TopologyRunner()
        again.write("events.csv", "")
        _ = try again.plan(Self.windowManifest) { $0.generatorOverride = GeneratorOverride(events: 25_000, keys: 10, rate: nil, seed: 7) }.run()
        #expect(again.read("out.csv") == runner.read("out.csv"))
        let other = TopologyRunner()
        other.write("events.csv", "")
        _ = try other.plan(Self.windowManifest) { $0.generatorOverride = GeneratorOverride(events: 25_000, keys: 10, rate: nil, seed: 8) }.run()
        #expect(other.read("out.csv") != runner.read("out.csv"))
    }

    /// Paced at 20,000 records/s with a 0.2 s warm-up: records 4,000… are due after the warm-up, so exactly
    /// 16,000 latencies are recorded, each from the record's due time.
    @Test func pacedRunRecordsLatencyAfterTheWarmUp() throws {
        let runner = TopologyRunner()
        let (report, _) = try Self.pacedRun(
            runner,
            """
            name: paced
            plugins:
              s: { library: rv_std_swift }
            sources:
              gen: { type: generator, count: 1000, keys: 5 }
            operators:
              slim: { plugin: s, operator: project, config: { fields: [key, value] } }
            sinks:
              out: { type: "null" }
            edges: [gen -> slim, slim -> out]
            """, events: 20_000, keys: 5, rate: 20_000, warmup: 0.2)
        let l = try #require(report.latency)
        #expect(l.count == 16_000)
        #expect(l.unstamped == 0)
        #expect(l.p50 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max)
        #expect(l.buckets.reduce(0) { $0 + $1.count } == 16_000)
        // Pacing: 20,000 records at 20,000/s take at least about a second, whatever the machine (a loaded
        // one takes longer, and catches up in bursts: the measured rate itself is not checked, only its
        // arithmetic).
        #expect(report.totalSeconds >= 0.95)
        #expect(report.recordsInPerSecond > 0 && report.recordsInPerSecond * report.measuredSeconds <= 20_000.5)
        #expect(report.measuredSeconds < report.totalSeconds)
        #expect(report.operators.map(\.node) == ["gen", "slim", "out"])
        #expect(report.operators.first { $0.node == "out" }?.recordsIn == 20_000)
        #expect(!report.timeline.isEmpty)
        #expect(!report.notes.contains { $0.contains("latency") })
    }

    /// Window results carry the position of the record that completed their window: 5,000 records over
    /// 10 keys fill one 10 s window per key, fired by the end of input, so 10 latencies, none unstamped.
    @Test func windowResultsAreMeasuredFromTheRecordThatCompletedThem() throws {
        let runner = TopologyRunner()
        runner.write("events.csv", "")
        let (report, latency) = try Self.pacedRun(runner, Self.windowManifest, events: 5_000, keys: 10, rate: 50_000)
        #expect(report.latency?.count == 10)
        #expect(latency.unstamped == 0)
        #expect(runner.read("out.csv").split(separator: "\n").count == 11)
    }

    /// Join results carry the position of the record whose handling produced them: 5,000 generated clicks
    /// through a left stream–table join give 5,000 results, every one with a latency, none unstamped.
    @Test func joinResultsAreMeasuredFromTheRecordThatProducedThem() throws {
        let runner = TopologyRunner()
        let (report, latency) = try Self.pacedRun(
            runner,
            """
            name: joined
            sources:
              clicks: { type: file, path: clicks.csv, schema: { ts: i64, user: string, page: string }, time: { type: event, field: ts, max_out_of_order: 1s } }
              profiles: { type: file, path: profiles.csv, schema: { ts: i64, user: string, age: i64 }, time: { type: event, field: ts, max_out_of_order: 1s } }
            operators:
              enrich: { join: stream_table, type: left, left_key: user, right_key: user }
            sinks:
              out: { type: "null" }
            edges: [clicks -> enrich.left, profiles -> enrich.right, enrich.out -> out]
            """, events: 5_000, keys: 50, rate: 50_000)
        #expect(report.operators.first { $0.node == "out" }?.recordsIn == 5_000)
        #expect(report.latency?.count == 5_000)
        #expect(latency.unstamped == 0)
    }

    @Test func reportRendersAsTextJSONAndSelfContainedHTML() throws {
        let runner = TopologyRunner()
        let (report, _) = try Self.pacedRun(
            runner,
            """
            name: small
            sources:
              gen: { type: generator, count: 1000 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """, events: 2_000, keys: 3, rate: 10_000)
        let text = report.text
        #expect(text.contains("throughput"))
        #expect(text.contains("latency     p50"))
        #expect(text.contains("gen"))

        let json = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(BenchReport.self, from: json)
        #expect(decoded.recordsIn == report.recordsIn)
        #expect(decoded.latency?.count == 2_000)

        let html = report.html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.contains("<polyline"))
        // Self-contained: nothing is fetched (the SVG namespace is an identifier, not a request).
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)
    }

    @Test func runShorterThanTheWarmUpIsMeasuredFromTheStartWithANote() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan(
            """
            name: short
            sources:
              gen: { type: generator, count: 500 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """)
        let report = try BenchRunner(settings: Self.settings(events: nil, rate: nil, warmup: 30)).run(plan, latency: nil)
        #expect(report.recordsIn == 500)
        #expect(report.notes.contains { $0.contains("not longer than the warm-up") })
    }

    /// A benchmark run with checkpoints and latency on: the probe around the two-phase-commit file sink
    /// takes part in checkpoints (it is one), so the sink's staged output is saved and committed — the
    /// output is whole — and the report carries the checkpoints.
    @Test func aLatencyProbeForwardsCheckpointsToATwoPhaseCommitSink() throws {
        let runner = TopologyRunner()
        runner.write("events.csv", "ts_ms,key,value\n")
        let latency = LatencyRecorder(warmupNanoseconds: 0)
        let plan = try runner.plan(Self.windowManifest, overrides: ["checkpoint.interval=20ms", "checkpoint.dir=\(runner.folder)/chk"]) {
            $0.generatorOverride = GeneratorOverride(events: 25_000, keys: 10, rate: 50_000, seed: 7)
            $0.latency = latency
        }
        let sink = try #require(plan.nodesByName["out"]?.instances.first)
        #expect(sink is LatencyProbe && sink is CheckpointCommitting)
        let report = try BenchRunner(settings: Self.settings(events: 25_000, rate: 50_000, warmup: 0)).run(plan, latency: latency)
        let rows = runner.read("out.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 30)
        #expect(rows.reduce(0) { $0 + Int($1[3])! } == 25_000)
        #expect(latency.merged().totalCount > 0)
        let checkpoints = try #require(report.checkpoints)
        // Paced over 0.5 s with a checkpoint every 20 ms, and the run's final one.
        #expect(checkpoints.completed >= 2 && checkpoints.failed == 0)
        #expect(checkpoints.lastID == UInt64(checkpoints.completed) && checkpoints.lastSizeBytes > 0)
        #expect(checkpoints.maxDurationMilliseconds >= checkpoints.meanDurationMilliseconds)
        #expect(checkpoints.taken.map(\.id) == Array(1...UInt64(checkpoints.completed)))
        #expect(checkpoints.taken.last?.final == true && checkpoints.taken.dropLast().allSatisfy { !$0.final })
        #expect(checkpoints.taken.last?.durationMilliseconds == checkpoints.lastDurationMilliseconds)
        #expect(checkpoints.taken.allSatisfy { $0.sizeBytes > 0 && $0.files > 0 })
        let newest = try #require(CheckpointStorage(directory: runner.folder + "/chk", retain: 3).latest { _ in })
        #expect(newest.metadata.final && newest.has("operators/out#0.state"))
        #expect(report.text.contains("checkpoints \(checkpoints.completed) completed, 0 failed; last #\(checkpoints.completed)"))
        #expect(report.html.contains("<h2>Checkpoints</h2>"))
        let decoded = try JSONDecoder().decode(BenchReport.self, from: JSONEncoder().encode(report))
        #expect(decoded.checkpoints?.completed == checkpoints.completed)
    }

    /// Without checkpoints the report has none, and the text and HTML say nothing of them.
    @Test func noCheckpointsNoCheckpointReport() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan(
            """
            name: plain
            sources:
              gen: { type: generator, count: 5000 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """)
        let report = try BenchRunner(settings: Self.settings(events: nil, rate: nil, warmup: 0)).run(plan, latency: nil)
        #expect(report.checkpoints == nil)
        #expect(!report.text.contains("checkpoints") && !report.html.contains("Checkpoints"))
    }
}
