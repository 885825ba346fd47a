// KafkaFilteredPartitionTests: an input partition whose records are all filtered out does not stall the windows after it.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A Kafka application's window reads its input through a repartition topic whose writer marks each
/// input partition's watermark. Partition 1 of the input holds only records the filter drops; its
/// watermark must still reach the window, as in one process without a repartition topic, or the
/// window waits for it forever.
@Suite(.serialized) struct KafkaFilteredPartitionTests {
    @Test func aPartitionWhoseRecordsAreAllFilteredOutDoesNotHoldTheWindowsBack() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        let app = "filtered-partition"
        for topic in ["events", "\(app)-counts-repartition", "\(app)-counts-changelog"] { try mock.createTopic(topic, partitions: 2) }
        var produced: [(Int32, String?, String?, Int64, [(String, String)])] = []
        for i in 0..<100 {
            produced.append((0, nil, "\(i * 1000),a", 0, []))
            produced.append((1, nil, "\(i * 1000),drop", 0, []))
        }
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", produced)
        let folder = Fixtures.temporaryDirectory(app)
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts, max_out_of_order: 0s } }
            operators:
              some: { filter: "key != 'drop'" }
              counts: { window: tumbling, size: 10s, key_by: key, aggregates: { count: count() } }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [window_start, key, count] }
            edges: [events -> some, some -> counts, counts.out -> out]
            """, to: folder + "/m.yaml")
        let run = try BackgroundRivulet(["run", folder + "/m.yaml"])
        // Times 0–99 s: with the watermark at 99 s, windows 0–80 s have ended.
        let expected = (0..<9).map { "\($0 * 10_000),a,10" }
        let fired = waitUntil(timeout: 60) { Fixtures.read(folder + "/out.csv").split(separator: "\n").count >= 9 }
        #expect(fired, "windows so far: \(Fixtures.read(folder + "/out.csv")); \(run.stderr.suffix(2000))")
        #expect(Array(Fixtures.read(folder + "/out.csv").split(separator: "\n").map(String.init).prefix(9)) == expected)
        run.signal(SIGTERM)
        _ = run.wait()
    }
}
