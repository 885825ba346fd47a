// BenchCommandTests: `rivulet bench` and `rivulet run --metrics-port` through the real binary.
import Foundation
import RivuletBench
import RivuletTestSupport
import Testing

@Suite struct BenchCommandTests {
    /// Runs the built `rivulet` with `arguments`; returns its status, stdout and stderr. `whileRunning`
    /// gets the process and its stderr pipe while it runs (to read its first line, then signal it).
    static func rivulet(_ arguments: [String], whileRunning: ((Process, Pipe) throws -> Void)? = nil) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        guard let whileRunning else {
            let r = try RivuletProcess.run(arguments, deadline: 300)
            return (r.status, r.stdout, r.stderr)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RivuletProcess.binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer {
            try? out.fileHandleForReading.close()
            try? err.fileHandleForReading.close()
        }
        try whileRunning(process, err)
        // stdout is read to its end first: the run writes little to either pipe while it is watched.
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    @Test func benchAnExampleWithGeneratedRecordsAsJSONAndHTML() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-bench")
        let manifest = Fixtures.repositoryRoot + "/examples/tumbling-csv/manifest.yaml"
        let result = try Self.rivulet([
            "bench", manifest, "--events", "30000", "--keys", "50", "--rate", "60000", "--warmup", "0.1",
            "--null-sinks", "--json", "--report", folder + "/bench.html",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(BenchReport.self, from: Data(result.stdout.utf8))
        #expect(report.settings.events == 30_000)
        #expect(report.settings.nullSinks)
        #expect(report.operators.first { $0.role == "source" }?.recordsIn == 30_000)
        // Paced at 60,000/s: the run cannot be faster than its schedule (0.5 s), however fast the machine;
        // how much slower depends on the machine's load, so only the rate's arithmetic is checked.
        #expect(report.totalSeconds >= 0.5 * 0.95)
        #expect(report.recordsInPerSecond > 0 && report.recordsInPerSecond * report.measuredSeconds <= 30_000.5)
        #expect(report.peakMemoryBytes > 0 && report.cpuSeconds > 0)
        let html = Fixtures.read(folder + "/bench.html")
        #expect(html.contains("<svg") && html.contains("rivulet bench"))
    }

    /// `rivulet bench` of a checkpointed manifest (checkpoints switched on with `--set` alone), paced so that
    /// latency probes wrap the two-phase-commit file sink: the JSON report has the checkpoints, the output
    /// is committed whole, and a second run into the same checkpoint folder starts fresh instead of resuming
    /// the first run's final checkpoint.
    @Test func benchWithCheckpointsReportsThemAndStartsFresh() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-bench-checkpoints")
        Fixtures.write(
            """
            name: bench-checkpoints
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
                chain: false
                aggregates: { count: count() }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [events -> per_key, per_key -> out]
            """, to: folder + "/manifest.yaml")
        for run in 1...2 {
            let result = try Self.rivulet([
                "bench", folder + "/manifest.yaml", "--events", "30000", "--keys", "10", "--rate", "60000", "--warmup", "0.1", "--json",
                "--set", "checkpoint.interval=50ms", "--set", "checkpoint.dir=\(folder)/chk",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("resuming"), "\(result.stderr)")
            let report = try JSONDecoder().decode(BenchReport.self, from: Data(result.stdout.utf8))
            #expect(report.operators.first { $0.role == "source" }?.recordsIn == 30_000, "run \(run)")
            let checkpoints = try #require(report.checkpoints, "run \(run)")
            #expect(checkpoints.completed >= 2 && checkpoints.failed == 0, "run \(run)")
            #expect(checkpoints.lastSizeBytes > 0 && checkpoints.lastDurationMilliseconds >= 0)
            // 30,000 records 1 ms apart: three 10 s windows per key, all 30,000 counted in the committed output.
            let rows = Fixtures.read(folder + "/out.csv").split(separator: "\n").map { $0.split(separator: ",") }
            #expect(rows.count == 30 && rows.reduce(0) { $0 + Int($1[3])! } == 30_000, "run \(run)")
        }
    }

    @Test func benchTableOnTheTerminal() throws {
        let result = try Self.rivulet([
            "bench", Fixtures.repositoryRoot + "/Benchmarks/pipeline.yaml", "--set", "sources.gen.count=50000",
            "--warmup", "0",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("throughput"))
        #expect(result.stdout.contains("keep"))
        #expect(result.stdout.contains("note: no latency"))
    }

    @Test func badBenchArgumentsAreRejected() throws {
        let result = try Self.rivulet(["bench", Fixtures.repositoryRoot + "/Benchmarks/pipeline.yaml", "--rate", "1000"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--rate paces generated records: give --events too"))
    }

    /// A run far longer than the test (100 s of paced records) is scraped until its sink has counted
    /// records, then stopped with SIGINT: the scrape happens while it runs, however slow the machine.
    @Test func runServesMetricsWhileRunning() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-metrics")
        Fixtures.write(
            """
            name: served
            sources:
              gen: { type: generator, count: 3000000, rate: 30000 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """, to: folder + "/manifest.yaml")
        var written: Double?
        let result = try Self.rivulet(["run", folder + "/manifest.yaml", "--metrics-port", "0"]) { process, err in
            defer { process.interrupt() }
            // The first line on stderr names the port.
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let byte = err.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty { break }
                line += byte
            }
            let text = String(decoding: line, as: UTF8.self)
            let port = try #require(text.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, "\(text)")
            waitUntil {
                let body = (try? PrometheusTests.get(port, "/metrics").body) ?? ""
                written = PrometheusTests.sample(body, #"rivulet_records_in_total{operator="out",instance="0"}"#)
                return (written ?? 0) > 0
            }
        }
        #expect(result.status == 130, "stopped by SIGINT: \(result.stderr)")
        #expect(written != nil && written! > 0 && written! < 3_000_000, "scraped while running: \(String(describing: written))")
    }
}
