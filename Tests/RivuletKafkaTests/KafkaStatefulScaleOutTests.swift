// KafkaStatefulScaleOutTests: windows shared by processes through repartition and changelog topics.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Kafka Streams' model: the window's keys are split between processes by the partitions of its
/// repartition topic, and a partition's state follows it through the changelog topic. A process killed
/// with SIGKILL mid-run loses nothing: the other takes over its partitions, restores their state, skips
/// what both wrote to the repartition topic, and the final aggregates are those of one process alone.
/// A third process joining mid-run takes partitions and their state the same way.
@Suite(.serialized) struct KafkaStatefulScaleOutTests {
    static let keys = 40
    /// Records `range`: record i has key k(i % keys), event time i × 10 ms, partition i % 6.
    static func records(_ range: Range<Int>) -> [(Int32, String?, String?, Int64, [(String, String)])] {
        range.map { i in (Int32(i % 6), nil, "\(i * 10),k\(i % keys)", 0, []) }
    }

    /// The 10-second windows' counts of records 0..<count: "start,key,count".
    static func expected(_ count: Int) -> Set<String> {
        var counts: [String: Int] = [:]
        for i in 0..<count { counts["\(i * 10 / 10_000 * 10_000),k\(i % keys)", default: 0] += 1 }
        return Set(counts.map { "\($0.key),\($0.value)" })
    }

    static func prepare(_ app: String, guarantee: String = "at_least_once", idle: String = "") throws -> (KafkaMockCluster, String) {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["events", "\(app)-counts-repartition", "\(app)-counts-changelog"] { try mock.createTopic(topic, partitions: 6) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-\(app)")
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", processing_guarantee: \(guarantee), properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts\(idle) } }
            operators:
              counts: { window: tumbling, size: 10s, key_by: key, aggregates: { count: count() } }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [window_start, key, count] }
            edges: [events -> counts, counts.out -> out]
            """, to: folder + "/m.yaml")
        return (mock, folder)
    }

    static func start(_ folder: String, _ name: String) throws -> BackgroundRivulet {
        try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)"])
    }

    /// The repartition partitions a process holds, from its "assigned"/"gave up" lines.
    static func held(_ stderr: String) -> Set<Int> { HeldPartitions.of("counts-repartition", in: stderr) }

    /// Distinct output rows of the processes' files (a window both emitted appears once).
    static func rows(_ folder: String, _ names: [String]) -> Set<String> {
        Set(names.flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) })
    }

    @Test func aKilledProcessesPartitionsAndStateMoveToTheOther() throws {
        try Self.killOneOfTwo(app: "killed", guarantee: "at_least_once")
    }

    /// The same under exactly_once_v2: A commits before it gives partitions to B (a checkpoint taken
    /// inside the revocation), and every write goes through one transaction per checkpoint.
    @Test func underExactlyOnceAKilledProcessesPartitionsAndStateMoveToTheOther() throws {
        try Self.killOneOfTwo(app: "killed-eos", guarantee: "exactly_once_v2")
    }

    /// A third process joins mid-run: the group moves some of the window's partitions to it (a
    /// cooperative rebalance), it restores their state from the changelog, and the windows all three
    /// write are still exactly those of one process alone.
    @Test func aThirdProcessJoiningMidRunTakesPartitionsAndTheirState() throws {
        let app = "joined"
        let (mock, folder) = try Self.prepare(app)
        let a = try Self.start(folder, "a")
        let b = try Self.start(folder, "b")
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count + Self.held(b.stderr).count == 6 }, "\(a.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<30_000))
        #expect(waitUntil(timeout: 60) { !Self.rows(folder, ["a", "b"]).isEmpty }, "\(a.stderr)")
        let c = try Self.start(folder, "c")
        let split = waitUntil(timeout: 60) {
            let (ha, hb, hc) = (Self.held(a.stderr), Self.held(b.stderr), Self.held(c.stderr))
            return !hc.isEmpty && ha.count + hb.count + hc.count == 6 && ha.union(hb).union(hc).count == 6
        }
        #expect(split, "C: \(c.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(30_000..<60_000))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<6).map { (Int32($0), nil, "100000000,end", 0, []) })
        let expected = Self.expected(60_000)
        let names = ["a", "b", "c"]
        let complete = waitUntil(timeout: 120) { expected.isSubset(of: Self.rows(folder, names)) }
        let missing = expected.subtracting(Self.rows(folder, names))
        #expect(complete, "\(missing.count) rows missing, e.g. \(missing.sorted().prefix(8))")
        #expect(c.stderr.contains("counts: restored partitions"), "\(c.stderr)")
        #expect(a.stderr.contains("gave up") || b.stderr.contains("gave up"), "A or B gave partitions to C")
        for process in [a, b, c] {
            process.signal(SIGTERM)
            _ = process.wait()
        }
        let extra = Self.rows(folder, names).subtracting(expected).filter { !$0.contains(",end,") }
        #expect(extra.isEmpty, "rows no single-process run gives: \(extra.sorted().prefix(10))")
    }

    /// With an `idle_timeout`: the input partitions of the killed process go silent until the other takes
    /// them over, which is not idleness — before, the repartition topic's reader timed them out after
    /// 1 s and the windows fired without them (902 of the rows missing or short). Now only the source
    /// decides that a partition is idle, and its writer marks it so.
    @Test func withAnIdleTimeoutAKilledProcessesPartitionsAreWaitedFor() throws {
        try Self.killOneOfTwo(app: "killed-idle", guarantee: "at_least_once", idle: ", idle_timeout: 1s")
    }

    static func killOneOfTwo(app: String, guarantee: String, idle: String = "") throws {
        let (mock, folder) = try Self.prepare(app, guarantee: guarantee, idle: idle)
        let a = try Self.start(folder, "a")
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count == 6 }, "\(a.stderr)")
        let b = try Self.start(folder, "b")
        #expect(waitUntil(timeout: 60) { !Self.held(b.stderr).isEmpty && Self.held(a.stderr).count < 6 }, "\(b.stderr)")
        // First half: both count; B has committed output and state when it is killed.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<30_000))
        #expect(waitUntil(timeout: 60) { !Fixtures.read(folder + "/b.csv").isEmpty }, "\(b.stderr)")
        b.signal(SIGKILL)
        _ = b.wait()
        // Second half, then one record per partition far in the future: every window of the data closes.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(30_000..<60_000))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<6).map { (Int32($0), nil, "100000000,end", 0, []) })
        let expected = Self.expected(60_000)
        let complete = waitUntil(timeout: 120) { expected.isSubset(of: Self.rows(folder, ["a", "b"])) }
        let missing = expected.subtracting(Self.rows(folder, ["a", "b"]))
        #expect(
            complete,
            "\(missing.count) rows missing, e.g. \(missing.sorted().prefix(8)); A: \(a.stderr.split(separator: "\n").filter { !$0.contains("CONFWARN") }.suffix(30).joined(separator: "\n"))"
        )
        #expect(Self.held(a.stderr).count == 6, "A took over every partition")
        #expect(a.stderr.contains("counts: restored partitions"), "\(a.stderr)")
        if guarantee == "exactly_once_v2" {
            // When B joined, A committed before it gave B its share (of the input and of the repartition topic).
            #expect(a.stderr.contains("exactly_once_v2: committed a checkpoint before giving up"), "\(a.stderr)")
        }
        a.signal(SIGTERM)
        _ = a.wait()
        if guarantee == "exactly_once_v2" {
            #expect(a.stderr.contains("exactly_once_v2: ") && !a.stderr.contains("exactly_once_v2: 0 transaction"), "\(a.stderr)")
        }
        // Nothing counted twice or lost: every row is one of the single-process answer (or a far-future window).
        let extra = Self.rows(folder, ["a", "b"]).subtracting(expected).filter { !$0.contains(",end,") }
        #expect(extra.isEmpty, "rows no single-process run gives: \(extra.sorted().prefix(10))")
    }
}
