// KafkaJoinOfWindowsTests: a join fed by two windows is split by key between processes like the windows.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A join whose inputs are windows' results (records of Rivulet's own, without an input position) reads
/// them through its repartition topic too, marked with the windows' group watermarks: two processes
/// share the windows and the join, and together they write exactly the rows of the same topology over
/// files, while they run (no end of input).
@Suite(.serialized) struct KafkaJoinOfWindowsTests {
    static let users = 20
    static let count = 4_000

    /// View i: time i × 10 ms, user u(i % users); partition i % 4.
    static func views() -> [(partition: Int32, line: String)] {
        (0..<count).map { i in (Int32(i % 4), "\(i * 10),u\(i % users)") }
    }

    /// Buy j: time j × 10 + 5 ms, user u(j × 3 % users); partition (j + 1) % 4.
    static func buys() -> [(partition: Int32, line: String)] {
        (0..<count).map { j in (Int32((j + 1) % 4), "\(j * 10 + 5),u\(j * 3 % users)") }
    }

    static let body = """
        operators:
          viewed: { window: tumbling, size: 1s, key_by: user, aggregates: { views: count() } }
          bought: { window: tumbling, size: 1s, key_by: user, aggregates: { buys: count() } }
          both: { join: stream_stream, type: inner, left_key: user, right_key: user, within: 1ms }
        sinks:
          out: { type: file, path: out.csv, header: false, fields: [user, views, buys] }
        edges: [views -> viewed, buys -> bought, viewed.out -> both.left, bought.out -> both.right, both.out -> out]
        """

    @Test func twoProcessesWriteTheRowsOfTheFileRun() throws {
        let app = "joined-windows"
        let mock = try KafkaMockCluster(brokers: 1)
        var topics = ["views", "buys"]
        for op in ["viewed", "bought", "both"] { topics += ["\(app)-\(op)-repartition", "\(app)-\(op)-changelog"] }
        for topic in topics { try mock.createTopic(topic, partitions: 4) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-join-windows")
        Fixtures.write(Self.views().map(\.line).joined(separator: "\n") + "\n", to: folder + "/views.csv")
        Fixtures.write(Self.buys().map(\.line).joined(separator: "\n") + "\n", to: folder + "/buys.csv")
        Fixtures.write(
            """
            sources:
              views: { type: file, path: views.csv, header: false, schema: { ts: i64, user: string }, time: { type: event, field: ts } }
              buys: { type: file, path: buys.csv, header: false, schema: { ts: i64, user: string }, time: { type: event, field: ts } }
            \(Self.body)
            """, to: folder + "/files.yaml")
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              views: { type: kafka, topics: views, format: csv, schema: { ts: i64, user: string }, time: { type: event, field: ts } }
              buys: { type: kafka, topics: buys, format: csv, schema: { ts: i64, user: string }, time: { type: event, field: ts } }
            \(Self.body)
            """, to: folder + "/kafka.yaml")
        let files = try RivuletProcess.run(["run", folder + "/files.yaml", "--set", "sinks.out.path=files.csv"])
        #expect(files.status == 0, "\(files.stderr)")
        let expected = Fixtures.read(folder + "/files.csv").split(separator: "\n").map(String.init).sorted()
        #expect(expected.count > 500, "the file run joined \(expected.count) rows")

        let described = try RivuletProcess.run(["describe", folder + "/kafka.yaml"])
        #expect(described.stdout.contains("\(app)-both-repartition"), "the join reads through its repartition topic: \(described.stdout)")

        func start(_ name: String) throws -> BackgroundRivulet {
            try BackgroundRivulet([
                "run", folder + "/kafka.yaml", "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)",
            ])
        }
        let a = try start("a")
        let b = try start("b")
        let split = waitUntil(timeout: 90) {
            let (ha, hb) = (HeldPartitions.of("both-repartition", in: a.stderr), HeldPartitions.of("both-repartition", in: b.stderr))
            return !ha.isEmpty && !hb.isEmpty && ha.union(hb).count == 4
        }
        #expect(split, "A: \(a.stderr)\nB: \(b.stderr)")
        for (topic, records) in [("views", Self.views()), ("buys", Self.buys())] {
            try KafkaConnectorTests.produce(mock.bootstrapServers, topic, records.map { ($0.partition, nil, $0.line, 0, []) })
            // One record per partition far ahead: every window of the data closes, and the join passes them.
            try KafkaConnectorTests.produce(mock.bootstrapServers, topic, (0..<4).map { (Int32($0), nil, "100000000,end", 0, []) })
        }
        func rows() -> [String] {
            ["a", "b"].flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("end,") }
        }
        let complete = waitUntil(timeout: 120) { rows().count >= expected.count }
        #expect(complete, "\(rows().count) of \(expected.count) rows; A: \(a.stderr.suffix(2000))")
        for process in [a, b] {
            process.signal(SIGTERM)
            let run = process.wait()
            #expect(run.status == 0, "\(run.stderr)")
        }
        let got = rows().sorted()
        #expect(got == expected, "got \(got.count) rows, expected \(expected.count): \(Set(got).symmetricDifference(expected).sorted().prefix(10))")
        #expect(!Fixtures.read(folder + "/a.csv").isEmpty && !Fixtures.read(folder + "/b.csv").isEmpty, "both processes joined")
    }
}
