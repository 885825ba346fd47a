// KafkaExplodeTests: several records derived from one input record keep their place through a repartition topic.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A Kafka application's window reads its input through a repartition topic, whose reader skips records
/// written twice by their input position. Records derived from one input record (an `explode`) share that
/// position: the writer numbers them (`p:offset:n`), so every one counts — before, all but the first of
/// each order were skipped as written twice.
@Suite(.serialized) struct KafkaExplodeTests {
    @Test func everyElementOfAnExplodedArrayIsCountedOnce() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["orders", "ex-counts-repartition", "ex-counts-changelog"] { try mock.createTopic(topic, partitions: 2) }
        // Order i (partition i % 2, time i s): items sku s(i % 3) and s((i + 1) % 3), and s0 again when i is even.
        var produced: [(Int32, String?, String?, Int64, [(String, String)])] = []
        var expected: [String: Int] = [:]
        for i in 0..<60 {
            var skus = ["s\(i % 3)", "s\((i + 1) % 3)"]
            if i % 2 == 0 { skus.append("s0") }
            for s in skus { expected[s, default: 0] += 1 }
            let items = skus.map { "{\"sku\":\"\($0)\"}" }.joined(separator: ",")
            produced.append((Int32(i % 2), nil, "{\"ts\":\(i * 1000),\"id\":\(i),\"items\":[\(items)]}", 0, []))
        }
        try KafkaConnectorTests.produce(mock.bootstrapServers, "orders", produced)
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-explode")
        Fixtures.write(
            """
            application_id: ex
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              orders:
                type: kafka
                topics: orders
                format: jsonl
                schema: { ts: i64, id: i64, items: [ { sku: string } ] }
                time: { type: event, field: ts }
                until: end
            operators:
              lines: { explode: items }
              counts: { window: tumbling, size: 1h, key_by: items.sku, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [items.sku, n] }
            edges: [orders -> lines, lines -> counts, counts.out -> out]
            """, to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let counted = Dictionary(
            uniqueKeysWithValues: Fixtures.read(folder + "/out.csv").split(separator: "\n").map { line in
                let parts = line.split(separator: ",")
                return (String(parts[0]), Int(parts[1]) ?? -1)
            })
        #expect(counted == expected, "\(Fixtures.read(folder + "/out.csv"))")
        _ = mock
    }
}
