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

    /// The rows `files.yaml` in `folder` (the same topology over files) writes to files.csv, sorted.
    static func fileRunRows(_ folder: String) throws -> [String] {
        let files = try RivuletProcess.run(["run", folder + "/files.yaml", "--set", "sinks.out.path=files.csv"])
        #expect(files.status == 0, "\(files.stderr)")
        return Fixtures.read(folder + "/files.csv").split(separator: "\n").map(String.init).sorted()
    }

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
        let expected = try KafkaJoinOfWindowsTests.fileRunRows(folder)
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
        // What each process was given and what it said, should the rows not come.
        func story(_ process: BackgroundRivulet) -> String {
            process.stderr.split(separator: "\n").filter { !$0.contains("CONFWARN") }.suffix(40).joined(separator: "\n")
        }
        #expect(complete, "\(rows().count) of \(expected.count) rows; A: \(story(a))\nB: \(story(b))")
        for process in [a, b] {
            process.signal(SIGTERM)
            let run = process.wait()
            #expect(run.status == 0, "\(run.stderr)")
        }
        let got = rows().sorted()
        #expect(got == expected, "got \(got.count) rows, expected \(expected.count): \(Set(got).symmetricDifference(expected).sorted().prefix(10))")
        #expect(!Fixtures.read(folder + "/a.csv").isEmpty && !Fixtures.read(folder + "/b.csv").isEmpty, "both processes joined")
    }

    /// A stream–table join fed by a stream–stream join, and a window fed by that: three operators split
    /// by key one after the other, each through its own repartition topic, in a run that does not end —
    /// the rows and the per-second counts of the same topology over files.
    @Test func aChainOfJoinsAndAWindowGivesTheFileRunsRows() throws {
        let app = "chain"
        let mock = try KafkaMockCluster(brokers: 1)
        var topics = ["views", "buys", "profiles"]
        for op in ["pair", "enrich", "perSecond"] { topics += ["\(app)-\(op)-repartition", "\(app)-\(op)-changelog"] }
        for topic in topics { try mock.createTopic(topic, partitions: 3) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-join-chain")
        let inputs = [
            "views": (0..<2_000).map { i in "\(i * 10),u\(i % 10),v\(i)" },
            "buys": (0..<2_000).map { j in "\(j * 10 + 5),u\(j * 3 % 10),b\(j)" },
            "profiles": (0..<20).map { k in "\(k * 1000),u\(k % 10),p\(k)" },
        ]
        let schemas = ["views": "view", "buys": "buy", "profiles": "name"]
        let body = """
            operators:
              pair: { join: stream_stream, type: inner, left_key: user, right_key: user, within: 50ms }
              enrich: { join: stream_table, type: left, left_key: user, right_key: user }
              perSecond: { window: tumbling, size: 1s, key_by: user, aggregates: { pairs: count() } }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [user, view, buy, name] }
              counts: { type: file, path: counts.csv, header: false, fields: [window_start, user, pairs] }
            edges: [views -> pair.left, buys -> pair.right, pair.out -> enrich.left, profiles -> enrich.right, enrich.out -> out, enrich.out -> perSecond, perSecond.out -> counts]
            """
        var fileSources = "sources:\n", kafkaSources = "sources:\n"
        for (topic, lines) in inputs.sorted(by: { $0.key < $1.key }) {
            Fixtures.write(lines.joined(separator: "\n") + "\n", to: "\(folder)/\(topic).csv")
            let schema = "schema: { ts: i64, user: string, \(schemas[topic]!): string }, time: { type: event, field: ts }"
            fileSources += "  \(topic): { type: file, path: \(topic).csv, header: false, \(schema) }\n"
            kafkaSources += "  \(topic): { type: kafka, topics: \(topic), format: csv, \(schema) }\n"
            // Record i to partition i % 3, then one record per partition far ahead: every window closes.
            try KafkaConnectorTests.produce(
                mock.bootstrapServers, topic,
                lines.enumerated().map { (Int32($0.offset % 3), nil, $0.element, 0, []) } + (0..<3).map { (Int32($0), nil, "100000000,end,x", 0, []) }
            )
        }
        Fixtures.write(fileSources + body, to: folder + "/files.yaml")
        Fixtures.write(
            "application_id: \(app)\nkafka: { bootstrap_servers: \"\(mock.bootstrapServers)\" }\n" + kafkaSources + body, to: folder + "/kafka.yaml")
        let files = try RivuletProcess.run(["run", folder + "/files.yaml"])
        #expect(files.status == 0, "\(files.stderr)")
        let expectedRows = Fixtures.read(folder + "/out.csv").split(separator: "\n").map(String.init).sorted()
        let expectedCounts = Fixtures.read(folder + "/counts.csv").split(separator: "\n").map(String.init).sorted()
        #expect(expectedRows.count > 1_000 && expectedCounts.count > 100, "\(expectedRows.count) rows, \(expectedCounts.count) counts")

        let run = try BackgroundRivulet([
            "run", folder + "/kafka.yaml", "--set", "sinks.out.path=k-out.csv", "--set", "sinks.counts.path=k-counts.csv",
        ])
        func lines(_ file: String, without marker: String) -> [String] {
            Fixtures.read("\(folder)/\(file)").split(separator: "\n").map(String.init).filter { !$0.contains(marker) }.sorted()
        }
        let complete = waitUntil(timeout: 120) { lines("k-counts.csv", without: ",end,").count >= expectedCounts.count }
        // What the run said (without librdkafka's repeated warnings), should the rows not come.
        let said = run.stderr.split(separator: "\n").filter { !$0.contains("CONFWARN") && !$0.contains("COMMITFAIL") }
        #expect(complete, "\(said.prefix(60).joined(separator: "\n"))\n…\n\(said.suffix(20).joined(separator: "\n"))")
        run.signal(SIGTERM)
        let ended = run.wait()
        #expect(ended.status == 0, "\(ended.stderr)")
        // The second join's stream side went through its repartition topic: the first join's rows.
        #expect(ended.stderr.contains("sink enrich-repartition-left-out: \(expectedRows.count) records"), "\(ended.stderr)")
        #expect(lines("k-out.csv", without: "end,") == expectedRows)
        #expect(lines("k-counts.csv", without: ",end,") == expectedCounts)
    }
}
