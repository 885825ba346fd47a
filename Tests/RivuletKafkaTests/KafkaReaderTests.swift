// KafkaReaderTests: RivuletKafka's group-less reader against an in-process mock cluster: offsets, ends, unknown topics.
import Foundation
import RivuletKafka
import Testing

@Suite struct KafkaReaderTests {
    /// Produces `count` records `r0`, `r1`… to partition `partition` of `topic`.
    static func produce(_ cluster: KafkaMockCluster, _ topic: String, partition: Int32, count: Int, from first: Int = 0) throws {
        let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers)]))
        for i in first..<first + count {
            try Array("r\(i)".utf8).withUnsafeBytes { try producer.produce(topic: topic, partition: partition, key: nil, value: $0, timestamp: 0) }
        }
        try producer.flush()
    }

    @Test func readsFromGivenOffsetsToTheEnd() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("t", partitions: 3)
        try Self.produce(cluster, "t", partition: 0, count: 10)
        try Self.produce(cluster, "t", partition: 2, count: 3)
        let reader = try KafkaReader(properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers)]))
        let records = try reader.readToEnd(topic: "t", start: [0: 4], timeoutMilliseconds: 60_000)
        #expect(records.map { "\($0.partition):\($0.offset)" } == (4..<10).map { "0:\($0)" } + ["2:0", "2:1", "2:2"])
        #expect(records.map { String(decoding: $0.value ?? [], as: UTF8.self) } == (4..<10).map { "r\($0)" } + ["r0", "r1", "r2"])
        #expect(records.allSatisfy { $0.topic == "t" && $0.key == nil && $0.headers.isEmpty })
        // Records written after a read are in the next one.
        try Self.produce(cluster, "t", partition: 1, count: 2)
        #expect(try reader.readToEnd(topic: "t", start: [0: 10, 2: 3], timeoutMilliseconds: 60_000).map(\.partition) == [1, 1])
        #expect(try reader.readToEnd(topic: "t", max: 2, timeoutMilliseconds: 60_000).count == 2)
    }

    @Test func anUnknownTopicIsNotCreated() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        let reader = try KafkaReader(properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers)]))
        #expect(try reader.partitionCount(of: "nothing") == nil)
        #expect(throws: KafkaError.self) { try reader.readToEnd(topic: "nothing", timeoutMilliseconds: 60_000) }
        #expect(try reader.partitionCount(of: "nothing") == nil)
    }
}
