// KafkaScaleOutTests: several `rivulet run` processes of one application share a topic's partitions.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Processes with the same manifest and application_id form one consumer group: Kafka assigns each a
/// share of the partitions (cooperative-sticky), and together they process every record once.
@Suite(.serialized) struct KafkaScaleOutTests {
    static func manifest(_ bootstrap: String, _ folder: String, app: String) {
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(bootstrap)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { n: i64 } }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [events -> out]
            """, to: folder + "/m.yaml")
    }

    /// The partitions a process holds at the end, from its "assigned" and "gave up" lines.
    static func held(_ stderr: String) -> Set<Int> { HeldPartitions.of("events", in: stderr) }

    static func produce(_ bootstrap: String, _ range: Range<Int>) throws {
        try KafkaConnectorTests.produce(bootstrap, "events", range.map { (Int32($0 % 6), nil, "\($0)", 0, []) })
    }

    static func numbers(_ paths: [String]) -> [Int] {
        paths.flatMap { Fixtures.read($0).split(separator: "\n").compactMap { Int($0) } }.sorted()
    }

    @Test func twoProcessesShareSixPartitionsAndProcessEveryRecordOnce() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 6)
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-share")
        Self.manifest(mock.bootstrapServers, folder, app: "share")
        let a = try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=a.csv"])
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count == 6 }, "\(a.stderr)")
        let b = try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=b.csv"])
        // Cooperative rebalancing: the first gives up some partitions, the second takes them.
        #expect(
            waitUntil(timeout: 60) { !Self.held(b.stderr).isEmpty && Self.held(a.stderr).union(Self.held(b.stderr)).count == 6 },
            "\(a.stderr)\n\(b.stderr)")
        #expect(Self.held(a.stderr).isDisjoint(with: Self.held(b.stderr)))
        try Self.produce(mock.bootstrapServers, 0..<600)
        let paths = [folder + "/a.csv", folder + "/b.csv"]
        #expect(waitUntil(timeout: 60) { Self.numbers(paths).count >= 600 }, "\(a.stderr)\n\(b.stderr)")
        let holdings = [Self.held(a.stderr), Self.held(b.stderr)]
        a.signal(SIGTERM)
        b.signal(SIGTERM)
        for run in [a.wait(), b.wait()] { #expect(!run.timedOut && run.status == 143, "\(run.ending): \(run.stderr)") }
        #expect(Self.numbers(paths) == Array(0..<600))
        // Each processed exactly the records of its partitions.
        for (path, holding) in zip(paths, holdings) {
            #expect(Set(Self.numbers([path]).map { $0 % 6 }) == holding, "\(path)")
        }
    }
}
