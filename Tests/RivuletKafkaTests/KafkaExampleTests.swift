// KafkaExampleTests: the Kafka examples' run.sh scripts, end to end, with the built binary.
import Foundation
import RivuletHashing
import RivuletTestSupport
import Testing

/// The scripts a user runs: a mock cluster, the input produced, `rivulet run` processes of the
/// applications, the output topic read back and compared with the expected output. Each exits 0 only
/// when every line matches, nothing was late and every process exited 0.
@Suite(.serialized) struct KafkaExampleTests {
    /// Runs `examples/<example>/run.sh` with `WORK` = a new folder; returns its output and the folder.
    static func runScript(_ example: String) throws -> (status: Int32, log: String, work: String) {
        let work = Fixtures.temporaryDirectory("rivulet-\(example)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", Fixtures.repositoryRoot + "/examples/\(example)/run.sh"]
        process.environment = ProcessInfo.processInfo.environment.merging(["RIVULET": RivuletProcess.binary, "WORK": work, "DEADLINE": "90"]) { $1 }
        let log = work + "/run.sh.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        // The script bounds each of its steps too; this bounds the whole.
        let timedOut = ended.wait(timeout: .now() + 300) == .timedOut
        if timedOut {
            process.terminate()  // SIGTERM: its EXIT trap stops the mock cluster and the runs
            ended.wait()
        }
        #expect(!timedOut, "run.sh still running after 300 s: \(Fixtures.read(log))")
        return (process.terminationStatus, Fixtures.read(log), work)
    }

    @Test func tradesPerMinuteRunShPasses() throws {
        let run = try Self.runScript("trades-per-minute-kafka")
        #expect(run.status == 0, "run.sh: \(run.log)")
        #expect(run.log.contains("OK: 180 windows match"), "\(run.log)")
    }

    /// The stream–table join over Kafka: a global profiles table rebuilt from its topic by every
    /// process, at every start; the clicks resume from the committed offsets after a restart.
    @Test func clickEnrichmentKafkaRunShPasses() throws {
        let run = try Self.runScript("click-enrichment-kafka")
        #expect(run.status == 0, "run.sh: \(run.log)")
        #expect(run.log.contains("OK: 400 clicks match"), "\(run.log)")
    }

    /// The notes' multiphase example: two processes compute each stock's daily gain/loss through the
    /// repartition topic, one picks each day's top 10 from a single-partition topic.
    @Test func top10StocksRunShPassesAndRepartitionsByStock() throws {
        let run = try Self.runScript("top10-stocks")
        #expect(run.status == 0, "run.sh: \(run.log)")
        #expect(run.log.contains("OK: 5 days match"), "\(run.log)")
        // The repartition topic: every trade, each stock's in the partition of its key group (6 groups),
        // plus watermark markers (no value) in every partition.
        let trades = Fixtures.read(Fixtures.repositoryRoot + "/examples/top10-stocks/trades.csv").split(separator: "\n").count - 1
        var origins: Set<String> = []
        var partitionsOfStock: [String: Set<Int>] = [:]
        var markers: Set<Int> = []
        // Values are binary rows: each line's partition, key (the stock) and headers are read by pattern.
        for line in Fixtures.read(run.work + "/daily-repartition.jsonl").split(separator: "\n") {
            let partition = try #require(line.firstMatch(of: #/"partition":(\d+)/#).map { Int($0.1)! })
            guard let stock = line.firstMatch(of: #/"key":"([^"]+)"/#).map({ String($0.1) }) else {
                if line.contains("\"rivulet.watermark\":") { markers.insert(partition) }
                continue
            }
            partitionsOfStock[stock, default: []].insert(partition)
            origins.insert(try #require(line.firstMatch(of: #/"rivulet.origin":"([^"]+)"/#).map { String($0.1) }))
        }
        #expect(origins.count == trades, "every trade went through the repartition topic")
        #expect(partitionsOfStock.count == 30)
        for (stock, partitions) in partitionsOfStock {
            let group = KeyGroups(maxParallelism: 6).group(ofHash: Array(stock.utf8).withUnsafeBytes { FNV1a.hash($0) })
            #expect(partitions == [group], "\(stock): partitions \(partitions.sorted()), its key group \(group)")
        }
        #expect(markers == Set(0..<6), "watermark markers in every partition")
    }
}
