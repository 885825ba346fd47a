// KafkaUnionTests: a window fed by several Kafka sources (a union) counts every record of each.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A Kafka application's window fed by two sources: each input gets a writer of its own into the
/// window's repartition topic, marking its own input partitions. Before, both inputs went through one
/// writer that named their partitions alike: the reader took the second input's records for copies of
/// the first's (same partition, same offset) and skipped them — half the records gone, none reported —
/// and it waited on partition numbers the smaller input did not have.
@Suite(.serialized) struct KafkaUnionTests {
    static let keys = 13

    /// Records `range` of input `input` (clicks: 0, taps: 1): key k(i % keys), event time i × 10 ms (+5 for
    /// taps), partition i % partitions.
    static func records(_ input: Int, _ range: Range<Int>, partitions: Int) -> [(Int32, String?, String?, Int64, [(String, String)])] {
        range.map { i in (Int32(i % partitions), nil, "\(i * 10 + input * 5),k\(i % keys)", 0, []) }
    }

    /// The one-second windows' counts over both inputs' records 0..<count: "start,key,count".
    static func expected(_ count: Int) -> Set<String> {
        var counts: [String: Int] = [:]
        for input in 0..<2 {
            for i in 0..<count { counts["\((i * 10 + input * 5) / 1000 * 1000),k\(i % keys)", default: 0] += 1 }
        }
        return Set(counts.map { "\($0.key),\($0.value)" })
    }

    static func prepare(_ app: String, untilEnd: Bool) throws -> (KafkaMockCluster, String) {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("clicks", partitions: 2)
        try mock.createTopic("taps", partitions: 3)
        for topic in ["\(app)-counts-repartition", "\(app)-counts-changelog"] { try mock.createTopic(topic, partitions: 3) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-\(app)")
        let end = untilEnd ? ", until: end" : ""
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              clicks: { type: kafka, topics: clicks, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts }\(end) }
              taps: { type: kafka, topics: taps, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts }\(end) }
            operators:
              counts: { window: tumbling, size: 1s, key_by: key, aggregates: { count: count() } }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [window_start, key, count] }
              late: { type: file, path: late.csv, header: false }
            edges: [clicks -> counts, taps -> counts, counts.out -> out, counts.late -> late]
            """, to: folder + "/m.yaml")
        return (mock, folder)
    }

    /// The window `counts` and the sink `out` of the manifests refused.
    static let countsIntoAFile = """
        operators:
          counts: { window: tumbling, size: 1s, key_by: key, aggregates: { n: count() } }
        sinks:
          out: { type: file, path: out.csv, header: false }
        """

    /// Processes A and B running `manifest` (writing a.csv and b.csv), once they share `topic`'s partitions.
    static func startTwo(_ manifest: String, sharing topic: String, partitions: Int) throws -> (BackgroundRivulet, BackgroundRivulet) {
        let start = { (name: String) in
            try BackgroundRivulet(["run", manifest, "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)"])
        }
        let a = try start("a")
        let b = try start("b")
        let held = { (p: BackgroundRivulet) in HeldPartitions.of(topic, in: p.stderr) }
        let shared = waitUntil(timeout: 60) { !held(a).isEmpty && !held(b).isEmpty && held(a).count + held(b).count == partitions }
        #expect(shared, "\(a.stderr)\n\(b.stderr)")
        return (a, b)
    }

    static func rows(_ folder: String, _ names: [String]) -> Set<String> {
        Set(names.flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) })
    }

    @Test func oneProcessCountsEveryRecordOfBothInputs() throws {
        let (mock, folder) = try Self.prepare("union-one", untilEnd: true)
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", Self.records(0, 0..<3_000, partitions: 2))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "taps", Self.records(1, 0..<3_000, partitions: 3))
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let got = Self.rows(folder, ["out"])
        let expected = Self.expected(3_000)
        #expect(got == expected, "missing \(expected.subtracting(got).sorted().prefix(5)); extra \(got.subtracting(expected).sorted().prefix(5))")
        #expect(Fixtures.read(folder + "/late.csv").isEmpty)
        #expect(run.stderr.contains("counts-repartition-out-2"), "\(run.stderr)")
    }

    /// A stream–stream join whose left input is a union of two topics (web and app views, 2 and 3
    /// partitions) is split by key between processes too: a writer per edge, the left input's watermark
    /// the smaller of its two writers'. Two processes, while they run, write exactly the pairs of the same
    /// topology over files. Before, such a join ran in the process reading it (and warned).
    @Test func twoProcessesJoinAUnionWithAnotherStream() throws {
        let app = "union-join"
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("web", partitions: 2)
        try mock.createTopic("app", partitions: 3)
        try mock.createTopic("buys", partitions: 3)
        for topic in ["\(app)-pair-repartition", "\(app)-pair-changelog"] { try mock.createTopic(topic, partitions: 3) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-union-join")
        // View i of web: time 20i ms, item k(i % 11), "w<i>"; of app: time 20i + 10, item k(i % 7), "a<i>";
        // buy j: time 20j + 5, item k(j % 13), "b<j>".
        let web = (0..<1_500).map { i in (Int32(i % 2), "\(i * 20),k\(i % 11),w\(i)") }
        let appViews = (0..<1_500).map { i in (Int32(i % 3), "\(i * 20 + 10),k\(i % 7),a\(i)") }
        let buys = (0..<1_500).map { j in (Int32(j % 3), "\(j * 20 + 5),k\(j % 13),b\(j)") }
        for (name, records) in [("web", web), ("app", appViews), ("buys", buys)] {
            Fixtures.write(records.map(\.1).joined(separator: "\n") + "\n", to: "\(folder)/\(name).csv")
        }
        let body = """
            operators:
              pair: { join: stream_stream, type: inner, left_key: item, right_key: item, within: 30ms }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [view, buy] }
            edges: [web -> pair.left, app -> pair.left, buys -> pair.right, pair.out -> out]
            """
        func source(_ name: String, _ field: String, kafka: Bool) -> String {
            let kind = kafka ? "type: kafka, topics: \(name), format: csv" : "type: file, path: \(name).csv, header: false"
            return "  \(name): { \(kind), schema: { ts: i64, item: string, \(field): string }, time: { type: event, field: ts } }"
        }
        Fixtures.write(
            (["sources:"] + [("web", "view"), ("app", "view"), ("buys", "buy")].map { source($0.0, $0.1, kafka: false) } + [body])
                .joined(separator: "\n"), to: folder + "/files.yaml")
        Fixtures.write(
            ([
                "application_id: \(app)",
                "kafka: { bootstrap_servers: \"\(mock.bootstrapServers)\", properties: \(KafkaConnectorTests.fastGroup) }",
                "checkpoint: { interval: 200ms, dir: chk }", "sources:",
            ] + [("web", "view"), ("app", "view"), ("buys", "buy")].map { source($0.0, $0.1, kafka: true) } + [body])
            .joined(separator: "\n"), to: folder + "/kafka.yaml")
        let expected = try KafkaJoinOfWindowsTests.fileRunRows(folder)
        #expect(expected.count > 200, "the file run joined \(expected.count) pairs")
        let described = try RivuletProcess.run(["describe", folder + "/kafka.yaml"])
        #expect(described.stdout.contains("pair-repartition-left-out-2"), "a writer per edge into the join's left input: \(described.stdout)")

        let (a, b) = try Self.startTwo(folder + "/kafka.yaml", sharing: "pair-repartition", partitions: 3)
        for (topic, records, partitions) in [("web", web, 2), ("app", appViews, 3), ("buys", buys, 3)] {
            try KafkaConnectorTests.produce(mock.bootstrapServers, topic, records.map { ($0.0, nil, $0.1, 0, []) })
            // One record per partition far ahead: the join passes every pair of the data.
            try KafkaConnectorTests.produce(
                mock.bootstrapServers, topic, (0..<partitions).map { (Int32($0), nil, "100000000,end,\(topic)-end-\($0)", 0, []) })
        }
        func rows() -> [String] {
            ["a", "b"].flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) }.filter { !$0.contains("-end-") }
        }
        let complete = waitUntil(timeout: 120) { rows().count >= expected.count }
        #expect(complete, "\(rows().count) of \(expected.count) pairs; A: \(a.stderr.suffix(1500))")
        for process in [a, b] {
            process.signal(SIGTERM)
            _ = process.wait()
        }
        #expect(rows().sorted() == expected, "\(Set(rows()).symmetricDifference(expected).sorted().prefix(10))")
    }

    /// A window of a Kafka application fed (alone, or in a union) by a file: its repartition topic would
    /// wait for watermarks no Kafka partition sends — before, the run neither fired the last windows nor
    /// ended. Now `validate` (and `run`) refuse it, naming the edge and the source.
    @Test func aKeyedOperatorFedByAFileIsRefused() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-union-file")
        Fixtures.write("0,a\n", to: folder + "/f.csv")
        Fixtures.write(
            """
            application_id: mixed
            kafka: { bootstrap_servers: "127.0.0.1:1" }
            sources:
              k: { type: kafka, topics: k, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts } }
              f: { type: file, path: f.csv, header: false, schema: { ts: i64, key: string }, time: { type: event, field: ts } }
            \(Self.countsIntoAFile)
            edges: [k -> counts, f -> counts, counts.out -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("m.yaml:10:")
                && result.stderr.contains("'counts' of a Kafka application is split by key between processes through a repartition topic")
                && result.stderr.contains("'f' is not one"), "\(result.stderr)")
        #expect(!result.stderr.contains("'k' is not one"), "\(result.stderr)")
    }

    /// Two Kafka sources merged before the window (here by a shared filter) would number their
    /// partitions alike in its repartition topic, as the union did: refused, naming both. A union whose
    /// inputs differ in shape is refused too (each writer's rows are read with the first's fields).
    @Test func sourcesMergedBeforeAKeyedOperatorOrOfTwoShapesAreRefused() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-union-merged")
        let head = """
            application_id: merged
            kafka: { bootstrap_servers: "127.0.0.1:1" }
            sources:
              a: { type: kafka, topics: a, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts } }
            """
        Fixtures.write(
            head + """

                  b: { type: kafka, topics: b, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts } }
                operators:
                  some: { filter: "key != 'x'" }
                  counts: { window: tumbling, size: 1s, key_by: key, aggregates: { n: count() } }
                sinks:
                  out: { type: file, path: out.csv, header: false }
                edges: [a -> some, b -> some, some.out -> counts, counts.out -> out]
                """, to: folder + "/merged.yaml")
        let merged = try RivuletProcess.run(["validate", folder + "/merged.yaml"], deadline: 60)
        #expect(merged.status == 2, "\(merged.stderr)")
        #expect(merged.stderr.contains("'a' and 'b' meet before it"), "\(merged.stderr)")
        Fixtures.write(
            head + """

                  b: { type: kafka, topics: b, format: csv, schema: { ts: i64, key: string, extra: i64 }, time: { type: event, field: ts } }
                \(Self.countsIntoAFile)
                edges: [a -> counts, b -> counts, counts.out -> out]
                """, to: folder + "/shapes.yaml")
        let shapes = try RivuletProcess.run(["describe", folder + "/shapes.yaml"], deadline: 60)
        #expect(shapes.status != 0, "\(shapes.stdout)\(shapes.stderr)")
        #expect(shapes.stderr.contains("input 'counts.in' receives records of two shapes"), "\(shapes.stderr)")
    }

    /// Two processes share both inputs and the window's partitions while they run: the windows fire as
    /// records arrive (each input's partitions marked by the writer of the process reading them), and
    /// together the processes write exactly the windows of one process.
    @Test func twoProcessesWindowTheUnionWhileRunning() throws {
        let (mock, folder) = try Self.prepare("union-two", untilEnd: false)
        let (a, b) = try Self.startTwo(folder + "/m.yaml", sharing: "counts-repartition", partitions: 3)
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", Self.records(0, 0..<3_000, partitions: 2))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "taps", Self.records(1, 0..<3_000, partitions: 3))
        // One record per partition far ahead: every window of the data closes while the processes run.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", (0..<2).map { (Int32($0), nil, "100000000,end", 0, []) })
        try KafkaConnectorTests.produce(mock.bootstrapServers, "taps", (0..<3).map { (Int32($0), nil, "100000000,end", 0, []) })
        let expected = Self.expected(3_000)
        let complete = waitUntil(timeout: 120) { expected.isSubset(of: Self.rows(folder, ["a", "b"])) }
        let missing = expected.subtracting(Self.rows(folder, ["a", "b"]))
        #expect(complete, "\(missing.count) rows missing, e.g. \(missing.sorted().prefix(8)); A: \(a.stderr.suffix(1500))")
        for process in [a, b] {
            process.signal(SIGTERM)
            _ = process.wait()
        }
        let extra = Self.rows(folder, ["a", "b"]).subtracting(expected).filter { !$0.contains(",end,") }
        #expect(extra.isEmpty, "rows no single-process run gives: \(extra.sorted().prefix(10))")
        #expect(Fixtures.read(folder + "/late.csv").isEmpty)
    }
}
