// KafkaJoinSplitTests: a join that cannot be split by key, whose inputs the group splits, says so, loudly.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A foreign-key table–table join with `lateness: operator` is not split by key between processes (its
/// three stages would judge lateness by different watermarks): when the group gives a process only some
/// of its inputs' partitions, matches with records another process holds would be missed without a word.
/// The process prints a warning naming the join, once.
@Suite(.serialized) struct KafkaJoinSplitTests {
    @Test func aProcessHoldingPartOfAJoinsInputsWarns() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("views", partitions: 2)
        try mock.createTopic("buys", partitions: 2)
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-join-split")
        Fixtures.write(
            """
            application_id: split
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              views: { type: kafka, topics: views, format: csv, schema: { view: string, item: string }, time: { type: kafka } }
              buys: { type: kafka, topics: buys, format: csv, schema: { item: string }, time: { type: kafka } }
            operators:
              pair: { join: table_table, type: inner, left_key: item, left_pk: view, right_key: item, lateness: operator }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [views -> pair.left, buys -> pair.right, pair.out -> out]
            """, to: folder + "/m.yaml")
        let a = try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=a.csv"])
        #expect(waitUntil(timeout: 60) { a.stderr.contains("source 'buys': assigned buys[0], buys[1]") }, "\(a.stderr)")
        #expect(!a.stderr.contains("warning: source"), "one process holds every partition: \(a.stderr)")
        let b = try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=b.csv"])
        let warned = waitUntil(timeout: 60) {
            (a.stderr + b.stderr).contains("of the 2 partitions, but join 'pair' matches records of every partition")
        }
        #expect(warned, "A: \(a.stderr)\nB: \(b.stderr)")
        for process in [a, b] {
            process.signal(SIGTERM)
            _ = process.wait()
        }
    }
}
