// KafkaJoinScaleOutTests: joins split by key between processes through a repartition topic and a changelog.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Kafka Streams' co-partitioned joins: both inputs of a join go through one repartition topic keyed by
/// the join key, so the process holding partition g holds key group g of both inputs, and the join's
/// state of g (held records, tables) follows g through the changelog topic. Two processes share the
/// join; one is killed with SIGKILL mid-run; the other takes over its partitions and state, and the
/// joined rows of both together are exactly those of one process alone.
@Suite(.serialized) struct KafkaJoinScaleOutTests {
    static let items = 40
    /// View i: time i × 10 ms, item k(i % items), partition i % 6.
    static func views(_ range: Range<Int>) -> [(Int32, String?, String?, Int64, [(String, String)])] {
        range.map { i in (Int32(i % 6), nil, "\(i * 10),k\(i % items),v\(i),\(i)", 0, []) }
    }

    /// Buy j: time j × 10 + 5 ms, item k(j × 7 % items), partition (j + 1) % 6.
    static func buys(_ range: Range<Int>) -> [(Int32, String?, String?, Int64, [(String, String)])] {
        range.map { j in (Int32((j + 1) % 6), nil, "\(j * 10 + 5),k\(j * 7 % items),b\(j)", 0, []) }
    }

    /// The inner stream–stream join within 1 s of views and buys 0..<count: "view,buy" (through the plugin
    /// operators: "view,n × 3,buy").
    static func expectedPairs(_ count: Int, throughPlugins: Bool = false) -> Set<String> {
        var pairs: Set<String> = []
        for j in 0..<count {
            let time = j * 10 + 5, item = j * 7 % items
            for i in max(0, (time - 1000) / 10)...min(count - 1, (time + 1000) / 10) where i % items == item && abs(i * 10 - time) <= 1000 {
                pairs.insert(throughPlugins ? "v\(i),\(i * 3),b\(j)" : "v\(i),b\(j)")
            }
        }
        return pairs
    }

    /// `throughPlugins`: views reach the join through rv_std_c's `scale` (n × 3), buys through
    /// rv_std_swift's `project`.
    static func prepare(_ app: String, guarantee: String = "at_least_once", throughPlugins: Bool = false) throws -> (KafkaMockCluster, String) {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["views", "buys", "\(app)-pair-repartition", "\(app)-pair-changelog"] { try mock.createTopic(topic, partitions: 6) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-\(app)")
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", processing_guarantee: \(guarantee), properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            \(throughPlugins ? "plugins: { c: { library: rv_std_c }, s: { library: rv_std_swift } }" : "")
            sources:
              views: { type: kafka, topics: views, format: csv, schema: { ts: i64, item: string, view: string, n: i64 }, time: { type: event, field: ts } }
              buys: { type: kafka, topics: buys, format: csv, schema: { ts: i64, item: string, buy: string }, time: { type: event, field: ts } }
            operators:
              pair: { join: stream_stream, type: inner, left_key: item, right_key: item, within: 1s }
              \(throughPlugins ? "triple: { plugin: c, operator: scale, config: { field: n, multiply: 3 } }" : "")
              \(throughPlugins ? "trim: { plugin: s, operator: project, config: { fields: [ts, item, buy] } }" : "")
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [\(throughPlugins ? "view, n, buy" : "view, buy")] }
              late_views: { type: file, path: late-views.csv, header: false }
              late_buys: { type: file, path: late-buys.csv, header: false }
            edges: [\(throughPlugins ? "views -> triple, triple -> pair.left, buys -> trim, trim -> pair.right" : "views -> pair.left, buys -> pair.right"),
                    pair.out -> out, pair.late_left -> late_views, pair.late_right -> late_buys]
            """, to: folder + "/m.yaml")
        return (mock, folder)
    }

    static func start(_ folder: String, _ name: String) throws -> BackgroundRivulet {
        try BackgroundRivulet([
            "run", folder + "/m.yaml", "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)",
            "--set", "sinks.late_views.path=\(name)-late-views.csv", "--set", "sinks.late_buys.path=\(name)-late-buys.csv",
        ])
    }

    /// The repartition partitions a process holds.
    static func held(_ stderr: String) -> Set<Int> { HeldPartitions.of("pair-repartition", in: stderr) }

    static func rows(_ folder: String, _ names: [String]) -> Set<String> {
        Set(names.flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) })
    }

    @Test func describeShowsTheJoinsRepartitionAndChangelogTopics() throws {
        let (_, folder) = try Self.prepare("described")
        let described = try RivuletProcess.run(["describe", folder + "/m.yaml"])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(described.stdout.contains("described-pair-repartition"), "\(described.stdout)")
        #expect(described.stdout.contains("written by pair-repartition-left-out and pair-repartition-right-out"), "\(described.stdout)")
        #expect(described.stdout.contains("described-pair-changelog"), "\(described.stdout)")
    }

    @Test func aKilledProcessesJoinPartitionsAndStateMoveToTheOther() throws {
        try Self.killOneOfTwo(app: "join-killed", guarantee: "at_least_once")
    }

    @Test func underExactlyOnceAKilledProcessesJoinPartitionsAndStateMoveToTheOther() throws {
        try Self.killOneOfTwo(app: "join-killed-eos", guarantee: "exactly_once_v2")
    }

    /// A join whose inputs come through plugin operators (C and Swift) is split by key the same way: the
    /// plugins pass each record on with its input position.
    @Test func aJoinFedThroughPluginOperatorsIsSplitByKeyToo() throws {
        try Self.killOneOfTwo(app: "join-plugins", guarantee: "at_least_once", throughPlugins: true)
    }

    static func killOneOfTwo(app: String, guarantee: String, throughPlugins: Bool = false) throws {
        let (mock, folder) = try Self.prepare(app, guarantee: guarantee, throughPlugins: throughPlugins)
        let a = try Self.start(folder, "a")
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count == 6 }, "\(a.stderr)")
        let b = try Self.start(folder, "b")
        #expect(waitUntil(timeout: 60) { !Self.held(b.stderr).isEmpty && Self.held(a.stderr).count < 6 }, "\(b.stderr)")
        // First half: both join; B has written pairs and state when it is killed.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "views", Self.views(0..<10_000))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "buys", Self.buys(0..<10_000))
        #expect(waitUntil(timeout: 60) { !Fixtures.read(folder + "/b.csv").isEmpty }, "\(b.stderr)")
        b.signal(SIGKILL)
        _ = b.wait()
        // Second half, then one record per partition of each input far in the future: every pair is due.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "views", Self.views(10_000..<20_000))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "buys", Self.buys(10_000..<20_000))
        for topic in ["views", "buys"] {
            try KafkaConnectorTests.produce(
                mock.bootstrapServers, topic, (0..<6).map { (Int32($0), nil, topic == "views" ? "100000000,end,end,0" : "100000000,end,end", 0, []) })
        }
        let expected = Self.expectedPairs(20_000, throughPlugins: throughPlugins)
        let complete = waitUntil(timeout: 120) { expected.isSubset(of: Self.rows(folder, ["a", "b"])) }
        let missing = expected.subtracting(Self.rows(folder, ["a", "b"]))
        #expect(
            complete,
            "\(missing.count) of \(expected.count) pairs missing, e.g. \(missing.sorted().prefix(8)); A: \(a.stderr.split(separator: "\n").filter { !$0.contains("CONFWARN") }.suffix(30).joined(separator: "\n"))"
        )
        #expect(Self.held(a.stderr).count == 6, "A took over every partition")
        #expect(a.stderr.contains("pair: restored partitions"), "\(a.stderr)")
        a.signal(SIGTERM)
        _ = a.wait()
        // Nothing paired wrongly, nothing late: every row is one of the single-process answer.
        let extra = Self.rows(folder, ["a", "b"]).subtracting(expected).filter { !$0.contains("end") }
        #expect(extra.isEmpty, "pairs no single-process run gives: \(extra.sorted().prefix(10))")
        let late = Self.rows(folder, ["a-late-views", "a-late-buys", "b-late-views", "b-late-buys"])
        #expect(late.isEmpty, "late records: \(late.sorted().prefix(10))")
    }

    /// A stream–table join whose table is read by the group: a killed process's table rows move with its
    /// partitions (they are part of the join's state in the changelog), so clicks after the kill still
    /// find every profile.
    @Test func aStreamTableJoinsTableRowsMoveWithTheirPartitions() throws {
        let app = "enrich-killed"
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["clicks", "profiles", "\(app)-enrich-repartition", "\(app)-enrich-changelog"] { try mock.createTopic(topic, partitions: 4) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-\(app)")
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              clicks: { type: kafka, topics: clicks, format: csv, schema: { ts: i64, user: string, page: string }, time: { type: event, field: ts } }
              profiles: { type: kafka, topics: profiles, format: csv, schema: { ts: i64, user: string, city: string }, time: { type: event, field: ts } }
            operators:
              enrich: { join: stream_table, type: inner, left_key: user, right_key: user }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [user, page, city] }
            edges: [clicks -> enrich.left, profiles -> enrich.right, enrich.out -> out]
            """, to: folder + "/m.yaml")
        func start(_ name: String) throws -> BackgroundRivulet {
            try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)"])
        }
        func held(_ stderr: String) -> Set<Int> { HeldPartitions.of("enrich-repartition", in: stderr) }
        let a = try start("a")
        #expect(waitUntil(timeout: 60) { held(a.stderr).count == 4 }, "\(a.stderr)")
        let b = try start("b")
        #expect(waitUntil(timeout: 60) { !held(b.stderr).isEmpty && held(a.stderr).count < 4 }, "\(b.stderr)")
        // Profiles (user i at time i), then a first wave of clicks after them: both processes enrich some.
        let users = 40
        try KafkaConnectorTests.produce(mock.bootstrapServers, "profiles", (0..<users).map { (Int32($0 % 4), nil, "\($0),u\($0),city\($0)", 0, []) })
        func clicks(_ wave: Int) -> [(Int32, String?, String?, Int64, [(String, String)])] {
            (0..<users).map { i in (Int32((i + wave) % 4), nil, "\(wave * 1000 + 100 + i),u\(i),p\(wave)", 0, []) }
        }
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", clicks(1))
        // The clicks' watermark must pass each click: one later click and profile per partition.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", (0..<4).map { (Int32($0), nil, "1900,none,tick", 0, []) })
        try KafkaConnectorTests.produce(mock.bootstrapServers, "profiles", (0..<4).map { (Int32($0), nil, "1900,none,", 0, []) })
        let firstWave = waitUntil(timeout: 60) {
            !Fixtures.read(folder + "/a.csv").isEmpty && !Fixtures.read(folder + "/b.csv").isEmpty
        }
        #expect(firstWave, "A: \(a.stderr)\nB: \(b.stderr)")
        b.signal(SIGKILL)
        _ = b.wait()
        // After the kill: a second wave of clicks, every one for a user whose profile came before.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", clicks(2))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", (0..<4).map { (Int32($0), nil, "100000000,none,tick", 0, []) })
        try KafkaConnectorTests.produce(mock.bootstrapServers, "profiles", (0..<4).map { (Int32($0), nil, "100000000,none,", 0, []) })
        let expected = Set((0..<users).flatMap { i in ["u\(i),p1,city\(i)", "u\(i),p2,city\(i)"] })
        let rows = { Set(["a", "b"].flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) }) }
        let complete = waitUntil(timeout: 120) { expected.isSubset(of: rows()) }
        let missing = expected.subtracting(rows())
        #expect(complete, "\(missing.count) clicks not enriched, e.g. \(missing.sorted().prefix(8)); A: \(a.stderr.suffix(3000))")
        #expect(held(a.stderr).count == 4, "A took over every partition")
        a.signal(SIGTERM)
        _ = a.wait()
        #expect(rows().subtracting(expected).filter { !$0.hasPrefix("none,") }.isEmpty, "\(rows().subtracting(expected).sorted().prefix(10))")
    }
}
