// KafkaWatermarkTests: a Kafka source's watermark is the minimum over its partitions, idle ones excluded.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Partition 0 holds times 100–199 s, partition 1 holds 0–99 s, partition 2 is empty. One watermark over
/// all records would make partition 1's records late whenever partition 0 is read first; per-partition
/// watermarks keep every record. A partition silent for `idle_timeout` stops holding the watermark back.
@Suite(.serialized) struct KafkaWatermarkTests {
    static func prepare(
        _ label: String, idle: Bool, untilEnd: Bool, records: Bool = true, idleTimeout: String = "1s", batchSize: Int? = nil
    ) throws -> (KafkaMockCluster, String) {
        let mock = try KafkaMockCluster(brokers: 1)
        // A Kafka application's window reads through its repartition topic and keeps a changelog.
        for topic in ["events", "\(label)-counts-repartition", "\(label)-counts-changelog"] { try mock.createTopic(topic, partitions: 3) }
        var produced: [(Int32, String?, String?, Int64, [(String, String)])] = []
        for i in 0..<100 {
            produced.append((0, nil, "\(100_000 + i * 1000),a", 0, []))
            produced.append((1, nil, "\(i * 1000),a", 0, []))
        }
        if records { try KafkaConnectorTests.produce(mock.bootstrapServers, "events", produced) }
        let folder = Fixtures.temporaryDirectory(label)
        Fixtures.write(
            """
            application_id: \(label)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              events:
                type: kafka
                topics: events
                format: csv
                schema: { ts: i64, key: string }
                time: { type: event, field: ts, max_out_of_order: 0s\(idle ? ", idle_timeout: \(idleTimeout)" : "") }
                \(untilEnd ? "until: end" : "")
                \(batchSize.map { "batch_size: \($0)" } ?? "")
            operators:
              counts: { window: tumbling, size: 10s, key_by: key, aggregates: { count: count() } }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [window_start, key, count] }
              late: { type: file, path: late.csv, header: false }
            edges: [events -> counts, counts.out -> out, counts.late -> late]
            """, to: folder + "/m.yaml")
        return (mock, folder)
    }

    /// Twenty windows of ten records each, in order.
    static let everyWindow = (0..<20).map { "\($0 * 10_000),a,10" }

    @Test func partitionsReadInTurnDoNotMakeTheSlowerOnesRecordsLate() throws {
        let (mock, folder) = try Self.prepare("rivulet-kafka-wm", idle: false, untilEnd: true)
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Fixtures.read(folder + "/out.csv").split(separator: "\n").map(String.init) == Self.everyWindow)
        #expect(Fixtures.read(folder + "/late.csv").isEmpty)
        _ = mock
    }

    /// The same with an idle timeout shorter than any pause: a partition whose records were fetched but wait
    /// behind another's (batches of 10) has been silent longer than the timeout, yet it is not idle — there
    /// is something to read. Before, partition 1 timed out behind partition 0's first batch and all 100 of
    /// its records were late.
    @Test func aPartitionWithRecordsWaitingIsNotIdle() throws {
        let (mock, folder) = try Self.prepare("rivulet-kafka-wm-idle", idle: true, untilEnd: true, idleTimeout: "1ms", batchSize: 10)
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Fixtures.read(folder + "/out.csv").split(separator: "\n").map(String.init) == Self.everyWindow)
        #expect(Fixtures.read(folder + "/late.csv").isEmpty, "\(Fixtures.read(folder + "/late.csv").prefix(300))")
        _ = mock
    }

    /// The source has been silent longer than its idle timeout (nothing written yet) when partition 0's
    /// records arrive, partition 1's (older times) a moment later, in a second write. Every partition then
    /// gets the idle timeout again from the first record: partition 1 is waited for, not already idle —
    /// before, partition 0's first batch moved the watermark past all of partition 1's records (late).
    @Test func aSourceResumingAfterSilenceWaitsForItsOtherPartitions() throws {
        let (mock, folder) = try Self.prepare("rivulet-kafka-resume", idle: true, untilEnd: false, records: false, idleTimeout: "300ms")
        let run = try BackgroundRivulet(["run", folder + "/m.yaml"])
        #expect(waitUntil(timeout: 60) { run.stderr.contains("counts: restored partitions") }, "\(run.stderr)")
        // The source silent for more than its idle timeout (a time-based condition: the feature is one).
        let assigned = Date()
        _ = waitUntil(timeout: 5) { Date().timeIntervalSince(assigned) > 0.6 }
        for partition: Int32 in [0, 1] {
            let base = partition == 0 ? 100_000 : 0
            try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<100).map { (partition, nil, "\(base + $0 * 1000),a", 0, []) })
        }
        // Partition 1's windows close (partition 0 is ahead, partition 2 idle).
        let fired = waitUntil(timeout: 60) { Fixtures.read(folder + "/out.csv").contains("80000,a,10") }
        run.signal(SIGTERM)
        _ = run.wait()
        #expect(fired, "\(run.stderr)")
        #expect(Fixtures.read(folder + "/late.csv").isEmpty, "late: \(Fixtures.read(folder + "/late.csv").prefix(200))")
    }

    @Test func anEmptyPartitionStopsHoldingTheWatermarkBackOnceIdle() throws {
        let (mock, folder) = try Self.prepare("rivulet-kafka-idle", idle: true, untilEnd: false, records: false)
        let run = try BackgroundRivulet(["run", folder + "/m.yaml"])
        // Partitions 0 and 1 keep receiving records (one second of event time apiece); partition 2 never
        // does. Windows close while the run goes on only if the empty partition stops counting.
        let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", mock.bootstrapServers)]))
        var second = 0
        let fired = try waitUntil(timeout: 120) {
            for partition: Int32 in [0, 1] {
                let value = Array("\(second * 1000),a".utf8)
                try value.withUnsafeBytes { try producer.produce(topic: "events", partition: partition, key: nil, value: $0, timestamp: 0) }
            }
            second += 1
            try producer.flush()
            return Fixtures.read(folder + "/out.csv").contains("0,a,20")
        }
        #expect(fired, "\(run.stderr)")
        run.signal(SIGTERM)
        let ended = run.wait()
        #expect(!ended.timedOut, "\(ended.stderr)")
        // Every window but the last holds ten records of each partition.
        let rows = Fixtures.read(folder + "/out.csv").split(separator: "\n").map(String.init)
        #expect(rows.dropLast().allSatisfy { $0.hasSuffix(",a,20") }, "\(rows)")
        #expect(Fixtures.read(folder + "/late.csv").isEmpty)
    }
}
