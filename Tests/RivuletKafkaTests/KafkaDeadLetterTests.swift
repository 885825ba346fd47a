// KafkaDeadLetterTests: dead letters to a Kafka topic: the failed input and the reason, the good records flow on.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// `dead_letters: { type: kafka, topic: … }`: every record that fails becomes one record of the topic,
/// its value the JSON object a dead-letter file gets, its headers the node and the reason; the records
/// around it flow on, and the run ends with status 3. Under exactly_once_v2 the coordinator produces
/// them into the checkpoint's transaction.
@Suite(.serialized) struct KafkaDeadLetterTests {
    /// Runs application `app` (its `kafka:` section `kafka`) copying topic `events` (values in `format`,
    /// one field `n`) to out.csv until its end, dead letters to topic `dlq`.
    static func copyEventsToAFile(_ app: String, kafka: String, format: String) throws -> (folder: String, run: RivuletProcess) {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-\(app)")
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { \(kafka) }
            sources:
              events: { type: kafka, topics: events, format: \(format), schema: { n: i64 }, until: end }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [events -> out]
            dead_letters: { type: kafka, topic: dlq }
            """, to: folder + "/m.yaml")
        return (folder, try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120))
    }

    @Test(arguments: ["at_least_once", "exactly_once_v2"])
    func undecodableValuesAndTombstonesGoToTheDeadLetterTopic(guarantee: String) throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 2)
        try mock.createTopic("dlq", partitions: 1)
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "events",
            [(0, nil, "1", 0, []), (0, nil, "abc", 0, []), (0, nil, "2", 0, []), (1, nil, "3", 0, []), (1, nil, nil, 0, []), (1, nil, "4", 0, [])])
        let (folder, run) = try Self.copyEventsToAFile(
            "dlq",
            kafka:
                "bootstrap_servers: \"\(mock.bootstrapServers)\", processing_guarantee: \(guarantee), properties: \(KafkaConnectorTests.fastGroup)",
            format: "csv")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("dead-lettered: 2"), "\(run.stderr)")
        #expect(Fixtures.read(folder + "/out.csv").split(separator: "\n", omittingEmptySubsequences: false).sorted() == ["", "1", "2", "3", "4"])
        let letters = try readTopic(mock.bootstrapServers, "dlq", count: 2)
        #expect(letters.count == 2, "\(letters)")
        let byReason = Dictionary(letters.map { ($0.headers["rivulet.reason"] ?? "", $0) }) { a, _ in a }
        let bad = try #require(byReason.first { $0.key.hasPrefix("events[0]@1: ") }?.value, "\(letters)")
        #expect(bad.headers["rivulet.node"] == "events")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bad.value.utf8)) as? [String: Any])
        #expect(object["node"] as? String == "events")
        #expect(object["raw"] as? String == "abc")
        #expect((object["reason"] as? String)?.hasPrefix("events[0]@1: ") == true)
        #expect(byReason.keys.contains { $0 == "events[1]@1: an empty value (a tombstone)" }, "\(byReason.keys)")
        #expect(bad.key == nil)
    }

    /// A record whose event-time field is empty is dead-lettered at its topic, partition and offset
    /// (before: `events offset 1`, which names no partition).
    @Test func aRecordWithoutItsEventTimeNamesItsPartitionAndOffset() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 2)
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "events", [(1, nil, "1000,a", 0, []), (1, nil, ",b", 0, []), (1, nil, "2000,c", 0, []), (0, nil, "1500,d", 0, [])])
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-dl-time")
        Fixtures.write(
            """
            application_id: dltime
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)" }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { ts: i64, k: string }, time: { type: event, field: ts }, until: end }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [events -> out]
            dead_letters: { type: file, path: dl.jsonl }
            """, to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(Fixtures.read(folder + "/out.csv").split(separator: "\n").sorted() == ["1000,a", "1500,d", "2000,c"])
        #expect(
            Fixtures.read(folder + "/dl.jsonl").contains("\"reason\":\"events[1]@1: event time field 'ts' is empty\""),
            "\(Fixtures.read(folder + "/dl.jsonl"))")
    }

    /// A bad record whose dead letter would be larger than the topic takes (its input's quotes escaped:
    /// 1.4 MB for a 700 KB line) goes without the input, saying so; the good records around it flow on
    /// (before: the run failed with "Message size too large", naming no record).
    @Test func aDeadLetterTooLargeForTheTopicGoesWithoutItsInput() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 1)
        try mock.createTopic("dlq", partitions: 1)
        let huge = "{\"n\": \"" + String(repeating: "\\\"", count: 350_000)
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "events", [(0, nil, "{\"n\": 1}", 0, []), (0, nil, huge, 0, []), (0, nil, "{\"n\": 2}", 0, [])])
        let (folder, run) = try Self.copyEventsToAFile("dllarge", kafka: "bootstrap_servers: \"\(mock.bootstrapServers)\"", format: "jsonl")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(Fixtures.read(folder + "/out.csv").split(separator: "\n").sorted() == ["1", "2"])
        let letters = try readTopic(mock.bootstrapServers, "dlq", count: 1)
        let reason = letters.first?.headers["rivulet.reason"] ?? ""
        #expect(reason.hasPrefix("events[0]@1: "), "\(reason)")
        #expect(reason.contains("is larger than the topic's maximum message size: the input is left out"), "\(reason)")
    }
}
