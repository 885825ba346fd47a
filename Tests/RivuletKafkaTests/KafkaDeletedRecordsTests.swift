// KafkaDeletedRecordsTests: records deleted from a repartition topic before they were read stop the run.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A repartition topic's reader whose committed position is no longer on the broker (retention, or the
/// mock cluster's 5 MB a partition, deleted records it had not read) fails the run naming the partition,
/// instead of jumping to the oldest record left (librdkafka's `auto.offset.reset`), which would lose the
/// deleted records silently.
@Suite(.serialized) struct KafkaDeletedRecordsTests {
    @Test func aRepartitionPositionNoLongerOnTheBrokerFailsTheRun() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["events", "gone-counts-repartition", "gone-counts-changelog"] { try mock.createTopic(topic, partitions: 1) }
        // 7 MB into the repartition topic: the mock keeps 5 MB a partition and drops the oldest records.
        let big = String(repeating: "x", count: 100_000)
        try KafkaConnectorTests.produce(mock.bootstrapServers, "gone-counts-repartition", (0..<70).map { _ in (0, nil, big, 0, []) })
        // The reader's group has read up to offset 1: the records after it are gone.
        let group = try KafkaConsumer(
            properties: KafkaProperties([("bootstrap.servers", mock.bootstrapServers)]), groupID: "gone-counts", start: .earliest)
        try group.commit([TopicPartition("gone-counts-repartition", 0): 1])
        group.close()
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<10).map { (0, nil, "\($0 * 1000),k\($0 % 2)", 0, []) })
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-gone")
        Fixtures.write(
            """
            application_id: gone
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts }, until: end }
            operators:
              counts: { window: tumbling, size: 10s, key_by: key, aggregates: { count: count() } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [events -> counts, counts.out -> out]
            """, to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "gone-counts-repartition[0]: the position to read is no longer on the broker, so records were deleted before they were read"),
            "\(run.stderr)")
    }
}
