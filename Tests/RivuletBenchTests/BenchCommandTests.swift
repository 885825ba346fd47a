// BenchCommandTests: `rivulet bench` and `rivulet run --metrics-port` through the real binary.
import Foundation
import RivuletBench
import RivuletTestSupport
import Testing

@Suite struct BenchCommandTests {
    /// Runs the built `rivulet` with `arguments`; returns its status, stdout and stderr.
    static func rivulet(_ arguments: [String], whileRunning: ((Process, Pipe) throws -> Void)? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.productsDirectory + "/rivulet")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        try whileRunning?(process, err)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    @Test func benchAnExampleWithGeneratedRecordsAsJSONAndHTML() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-bench")
        let manifest = Fixtures.repositoryRoot + "/examples/tumbling-csv/manifest.yaml"
        let result = try Self.rivulet(["bench", manifest, "--events", "30000", "--keys", "50", "--rate", "60000", "--warmup", "0.1",
                                       "--null-sinks", "--json", "--report", folder + "/bench.html"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(BenchReport.self, from: Data(result.stdout.utf8))
        #expect(report.settings.events == 30_000)
        #expect(report.settings.nullSinks)
        #expect(report.operators.first { $0.role == "source" }?.recordsIn == 30_000)
        #expect(report.recordsInPerSecond > 20_000 && report.recordsInPerSecond < 100_000)
        #expect(report.peakMemoryBytes > 0 && report.cpuSeconds > 0)
        let html = Fixtures.read(folder + "/bench.html")
        #expect(html.contains("<svg") && html.contains("rivulet bench"))
    }

    @Test func benchTableOnTheTerminal() throws {
        let result = try Self.rivulet(["bench", Fixtures.repositoryRoot + "/Benchmarks/pipeline.yaml", "--set", "sources.gen.count=50000",
                                       "--warmup", "0"])
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

    @Test func runServesMetricsWhileRunning() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-metrics")
        Fixtures.write("""
        name: served
        sources:
          gen: { type: generator, count: 60000, rate: 30000 }
        sinks:
          out: { type: "null" }
        edges: [gen -> out]
        """, to: folder + "/manifest.yaml")
        var body = ""
        let result = try Self.rivulet(["run", folder + "/manifest.yaml", "--metrics-port", "0"]) { _, err in
            // The first line on stderr names the port.
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let byte = err.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty { break }
                line += byte
            }
            let text = String(decoding: line, as: UTF8.self)
            let port = try #require(text.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, "\(text)")
            Thread.sleep(forTimeInterval: 0.5)
            body = try PrometheusTests.get(port, "/metrics").body
        }
        #expect(result.status == 0, "\(result.stderr)")
        let v = PrometheusTests.sample(body, #"rivulet_records_in_total{operator="out",instance="0"}"#)
        #expect(v != nil && v! > 0 && v! < 60_000)
    }
}
