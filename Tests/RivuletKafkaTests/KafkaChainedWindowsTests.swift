// KafkaChainedWindowsTests: a window fed by another window of a Kafka application fires as the run goes on.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Both windows read through repartition topics. The second one's input — the first one's results —
/// carries no input position, so its writer marks the first window's groups with their own watermarks
/// (`GroupWatermarkHistory`). Before, it marked nothing, and the second window fired only when the input
/// ended: never, in a run that does not stop.
@Suite(.serialized) struct KafkaChainedWindowsTests {
    static let keys = 12
    /// Record i: key k(i % keys), event time i × 100 ms, partition i % 4.
    static func records(_ range: Range<Int>) -> [(Int32, String?, String?, Int64, [(String, String)])] {
        range.map { i in (Int32(i % 4), nil, "\(i * 100),k\(i % keys)", 0, []) }
    }

    /// The outer (10 s) windows' sums of the inner (1 s) counts of records 0..<count: "start,key,total".
    static func expected(_ count: Int) -> Set<String> {
        var totals: [String: Int] = [:]
        for i in 0..<count { totals["\(i * 100 / 10_000 * 10_000),k\(i % keys)", default: 0] += 1 }
        return Set(totals.map { "\($0.key),\($0.value)" })
    }

    static func prepare(_ app: String) throws -> (KafkaMockCluster, String) {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["events"] + ["seconds", "tens"].flatMap({ ["\(app)-\($0)-repartition", "\(app)-\($0)-changelog"] }) {
            try mock.createTopic(topic, partitions: 4)
        }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-\(app)")
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { ts: i64, key: string }, time: { type: event, field: ts } }
            operators:
              seconds: { window: tumbling, size: 1s, key_by: key, aggregates: { n: count() } }
              tens: { window: tumbling, size: 10s, key_by: key, aggregates: { total: sum(n) } }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [window_start, key, total] }
            edges: [events -> seconds, seconds.out -> tens, tens.out -> out]
            """, to: folder + "/m.yaml")
        return (mock, folder)
    }

    static func start(_ folder: String, _ name: String) throws -> BackgroundRivulet {
        try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)"])
    }

    static func rows(_ folder: String, _ names: [String]) -> Set<String> {
        Set(names.flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) })
    }

    /// One process, never told to stop at the end of the input: the outer window's rows come while it
    /// runs, exactly those of the data (before the fix: none until it was stopped).
    @Test func aWindowFedByAWindowFiresWhileTheRunGoesOn() throws {
        let (mock, folder) = try Self.prepare("chained")
        // --from-checkpoint means nothing to a Kafka application with changelogs: it says so.
        let a = try BackgroundRivulet([
            "run", folder + "/m.yaml", "--set", "sinks.out.path=a.csv", "--set", "checkpoint.dir=chk-a", "--from-checkpoint", folder + "/chk-a/chk-1",
        ])
        #expect(waitUntil(timeout: 60) { HeldPartitions.of("tens-repartition", in: a.stderr).count == 4 }, "\(a.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<6_000))
        // One record per partition far ahead: every window of the data closes.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<4).map { (Int32($0), nil, "100000000,end", 0, []) })
        let expected = Self.expected(6_000)
        let complete = waitUntil(timeout: 90) { expected.isSubset(of: Self.rows(folder, ["a"])) }
        let missing = expected.subtracting(Self.rows(folder, ["a"]))
        #expect(complete, "\(missing.count) rows missing, e.g. \(missing.sorted().prefix(8)); \(a.stderr.suffix(2000))")
        a.signal(SIGTERM)
        let run = a.wait()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: --from-checkpoint is ignored: this Kafka application resumes from its changelog topics"))
        // Its savepoint is committed to Kafka; the hint is to run it again, not to resume a local checkpoint.
        #expect(run.stderr.contains("its output, changelogs and offsets are committed; run it again to continue"), "\(run.stderr)")
        let extra = Self.rows(folder, ["a"]).subtracting(expected).filter { !$0.contains(",end,") }
        #expect(extra.isEmpty, "rows the data does not give: \(extra.sorted().prefix(10))")
        #expect(!run.stderr.contains("late"), "\(run.stderr)")
    }

    /// Two processes; B is killed with SIGKILL mid-run and A takes the inner window's partitions over
    /// from their changelog, replaying them from B's last commit behind A's own watermark. The outer
    /// window loses nothing: every row of the data comes, with at least its total (at least once: an
    /// inner result B wrote after its last commit may be counted again).
    @Test func aKilledProcessesInnerWindowMovesWithoutLosingOuterRows() throws {
        let (mock, folder) = try Self.prepare("chained-kill")
        let a = try Self.start(folder, "a")
        #expect(waitUntil(timeout: 60) { HeldPartitions.of("seconds-repartition", in: a.stderr).count == 4 }, "\(a.stderr)")
        let b = try Self.start(folder, "b")
        #expect(
            waitUntil(timeout: 60) {
                !HeldPartitions.of("seconds-repartition", in: b.stderr).isEmpty && HeldPartitions.of("seconds-repartition", in: a.stderr).count < 4
            },
            "\(b.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<6_000))
        #expect(waitUntil(timeout: 60) { !Fixtures.read(folder + "/b.csv").isEmpty }, "\(b.stderr)")
        b.signal(SIGKILL)
        _ = b.wait()
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(6_000..<12_000))
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<4).map { (Int32($0), nil, "100000000,end", 0, []) })
        let expected = Self.expected(12_000)
        /// Per (window, key), the largest total written.
        func totals() -> [String: Int] {
            var best: [String: Int] = [:]
            for row in Self.rows(folder, ["a", "b"]) {
                let parts = row.split(separator: ",")
                guard parts.count == 3, let total = Int(parts[2]) else { continue }
                best["\(parts[0]),\(parts[1])"] = max(best["\(parts[0]),\(parts[1])"] ?? 0, total)
            }
            return best
        }
        let wanted = Dictionary(
            uniqueKeysWithValues: expected.map { row in
                let parts = row.split(separator: ",")
                return ("\(parts[0]),\(parts[1])", Int(parts[2])!)
            })
        let complete = waitUntil(timeout: 120) {
            let got = totals()
            return wanted.allSatisfy { (got[$0.key] ?? 0) >= $0.value }
        }
        let got = totals()
        let short = wanted.filter { (got[$0.key] ?? 0) < $0.value }
        #expect(complete, "\(short.count) rows missing or short, e.g. \(short.sorted { $0.key < $1.key }.prefix(8)); A: \(a.stderr.suffix(3000))")
        #expect(a.stderr.contains("seconds: restored partitions"), "\(a.stderr)")
        a.signal(SIGTERM)
        _ = a.wait()
        let unknown = Set(got.keys).subtracting(wanted.keys).filter { !$0.contains(",end") }
        #expect(unknown.isEmpty, "windows the data does not have: \(unknown.sorted().prefix(10))")
    }
}
