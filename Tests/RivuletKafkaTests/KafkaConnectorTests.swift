// KafkaConnectorTests: Kafka sources and sinks through the real binary against librdkafka's mock cluster.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Each test hosts a mock cluster in the test process (topics created here), runs `rivulet run` against
/// it, and reads the topics back with a consumer of its own.
@Suite(.serialized) struct KafkaConnectorTests {
    /// Produces `records` (partition, key, value, timestamp, headers) to `topic` and waits for every one
    /// to be acknowledged.
    static func produce(_ bootstrap: String, _ topic: String, _ records: [(Int32, String?, String?, Int64, [(String, String)])]) throws {
        let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", bootstrap)]))
        for (partition, key, value, timestamp, headers) in records {
            let keyBytes = key.map { Array($0.utf8) }
            let valueBytes = value.map { Array($0.utf8) }
            let headerBytes = headers.map { ($0.0, Array($0.1.utf8)) }
            try keyBytes.withUnsafeBufferPointerIfPresent { key in
                try valueBytes.withUnsafeBufferPointerIfPresent { value in
                    try withHeaders(headerBytes[...]) { h in
                        try producer.produce(topic: topic, partition: partition, key: key, value: value, headers: h, timestamp: timestamp)
                    }
                }
            }
        }
        try producer.flush()
    }

    static func withHeaders(
        _ rest: ArraySlice<(String, [UInt8])>, _ done: [KafkaProducer.Header] = [], _ body: ([KafkaProducer.Header]) throws -> Void
    ) throws {
        guard let (name, bytes) = rest.first else { return try body(done) }
        try bytes.withUnsafeBytes { try withHeaders(rest.dropFirst(), done + [KafkaProducer.Header(name: name, value: $0)], body) }
    }

    /// A restarted member rejoins at once only if the last one's session has expired: keep sessions
    /// short (the broker's minimum, 6 s), or the mock cluster waits out the default 45 s.
    static let fastGroup = "{ session.timeout.ms: 6000, heartbeat.interval.ms: 500 }"

    /// Lines of a file sink's output without its header, sorted.
    static func rows(_ path: String) -> [String] {
        Fixtures.read(path).split(separator: "\n").dropFirst().map(String.init).sorted()
    }

    @Test func recordsGoThroughWithTheirKeysHeadersAndTimestamps() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("trades", partitions: 3)
        try mock.createTopic("marked", partitions: 2)
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-roundtrip")
        let input: [(Int32, String?, String?, Int64, [(String, String)])] = (0..<30).map { i in
            let value = "s\(i % 4),\(i),\(i * 10)"
            let time = Int64(1_700_000_000_000 + i * 1000)
            return (Int32(i % 3), "acct\(i % 5)", value, time, [("trace", "t\(i)")])
        }
        try Self.produce(mock.bootstrapServers, "trades", input)
        Fixtures.write(
            """
            application_id: roundtrip
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(Self.fastGroup) }
            sources:
              trades:
                type: kafka
                topics: trades
                format: csv
                schema: { stock: string, n: i64, amount: i64 }
                key_field: account
                header_fields: [trace]
                time: { type: kafka }
                until: end
            sinks:
              marked: { type: kafka, topic: marked, format: jsonl, key: stock, header_fields: [trace, account] }
              copy: { type: file, path: copy.csv }
            edges:
              - trades -> marked
              - trades -> copy
            """, to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("source 'trades': assigned trades[0], trades[1], trades[2]"), "\(run.stderr)")
        let expectedRows = (0..<30).map { i in "s\(i % 4),\(i),\(i * 10),acct\(i % 5),t\(i)" }.sorted()
        #expect(Self.rows(folder + "/copy.csv") == expectedRows)
        // Within a partition, records keep their order.
        let copied = Fixtures.read(folder + "/copy.csv").split(separator: "\n").dropFirst().map { Int($0.split(separator: ",")[1])! }
        for p in 0..<3 { #expect(copied.filter { $0 % 3 == p } == Array(stride(from: p, to: 30, by: 3))) }

        let out = try readTopic(mock.bootstrapServers, "marked", count: 30)
        #expect(out.count == 30)
        for record in out {
            let n = try #require(record.value.firstMatch(of: #/"n":(\d+)/#).map { Int($0.1)! }, "\(record.value)")
            #expect(record.value == #"{"stock":"s\#(n % 4)","n":\#(n),"amount":\#(n * 10),"account":"acct\#(n % 5)","trace":"t\#(n)"}"#)
            #expect(record.key == "s\(n % 4)")
            #expect(record.timestamp == Int64(1_700_000_000_000 + n * 1000))
            #expect(record.headers == ["trace": "t\(n)", "account": "acct\(n % 5)"])
        }
        // Keys decide partitions: one key, one partition.
        let partitions = Dictionary(grouping: out, by: \.key).mapValues { Set($0.map(\.partition)) }
        #expect(partitions.values.allSatisfy { $0.count == 1 })

        // The group committed its offsets: the same application reads nothing again.
        let again = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Self.rows(folder + "/copy.csv").isEmpty)
        #expect(again.stderr.contains("records in: 0"), "\(again.stderr)")
    }

    /// Every librdkafka property refused is reported at once, each where it is written (before: only the
    /// first, so a user fixed them one run at a time).
    @Test func everyRefusedPropertyIsReportedAtOnce() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-properties")
        Fixtures.write(
            """
            application_id: props
            kafka: { bootstrap_servers: "127.0.0.1:1", properties: { linger.ms: soon } }
            sources:
              in: { type: kafka, topics: in, format: csv, schema: { n: i64 }, properties: { no.such.thing: 1 } }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [in -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("m.yaml:2:") && result.stderr.contains("Invalid value for configuration property"),
            "\(result.stderr)")
        #expect(
            result.stderr.contains("m.yaml:4:") && result.stderr.contains("No such configuration property: \"no.such.thing\""), "\(result.stderr)")
    }

    @Test func aValueThatDoesNotDecodeIsDeadLetteredWithItsPlaceAndTheOthersFlowOn() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("in", partitions: 1)
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-bad")
        try Self.produce(
            mock.bootstrapServers, "in",
            [(0, nil, "a,1", 1, []), (0, nil, "b,not-a-number", 2, []), (0, nil, "c,3", 3, []), (0, nil, "", 4, []), (0, "k", nil, 5, [])])
        Fixtures.write(
            """
            application_id: bad-values
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(Self.fastGroup) }
            sources:
              in: { type: kafka, topics: in, format: csv, schema: { name: string, n: i64 }, until: end }
            sinks:
              out: { type: file, path: out.csv }
            edges: [ in -> out ]
            dead_letters: { type: file, path: dead.jsonl }
            """, to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(Self.rows(folder + "/out.csv") == ["a,1", "c,3"])
        let dead = Fixtures.read(folder + "/dead.jsonl")
        #expect(dead.contains("in[0]@1: field 'n'"), "\(dead)")
        #expect(dead.contains("in[0]@3: expected 2 columns, found 1"), "\(dead)")
        #expect(dead.contains("in[0]@4: an empty value (a tombstone)"), "\(dead)")
    }
}

extension Optional where Wrapped == [UInt8] {
    /// Calls `body` with the bytes, or with nil.
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        guard let self else { return try body(nil) }
        return try self.withUnsafeBytes { try body($0) }
    }
}
