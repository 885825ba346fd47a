// KafkaTableScaleOutTests: a table shared by processes through its repartition and changelog topics.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A `table` in a Kafka application keeps its rows per partition of `<app>-<table>-repartition` (by its
/// key) in `<app>-<table>-changelog`: a process killed with SIGKILL mid-run loses nothing, the other takes
/// its partitions over with their rows, and the changes both wrote are exactly those of one process —
/// a user whose rows moved gets `-U`/`+U` from its new owner, never a second `+I`.
@Suite(.serialized) struct KafkaTableScaleOutTests {
    static let users = 50

    /// Update i: user u(i % users) moves to level i, in input partition (i % users) % 4 (a user's updates
    /// in one partition, in order).
    static func records(_ range: Range<Int>) -> [(Int32, String?, String?, Int64, [(String, String)])] {
        range.map { i in (Int32(i % users % 4), nil, "u\(i % users),\(i)", 0, []) }
    }

    /// The changes one process writes for updates 0..<count: per user `+I` first, then `-U` old, `+U` new.
    static func expected(_ count: Int) -> Set<String> {
        var rows: Set<String> = []
        var level: [Int: Int] = [:]
        for i in 0..<count {
            let u = i % users
            if let old = level[u] {
                rows.insert("-U,u\(u),\(old)")
                rows.insert("+U,u\(u),\(i)")
            } else {
                rows.insert("+I,u\(u),\(i)")
            }
            level[u] = i
        }
        return rows
    }

    static func rows(_ folder: String, _ names: [String]) -> Set<String> {
        Set(names.flatMap { Fixtures.read("\(folder)/\($0).csv").split(separator: "\n").map(String.init) })
    }

    static func held(_ stderr: String) -> Set<Int> { HeldPartitions.of("levels-repartition", in: stderr) }

    @Test func aKilledProcessesRowsMoveToTheOtherAndTheChangesAreOneProcesses() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["updates", "tbl-levels-repartition", "tbl-levels-changelog"] { try mock.createTopic(topic, partitions: 4) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-table")
        Fixtures.write(
            """
            application_id: tbl
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              updates: { type: kafka, topics: updates, format: csv, schema: { user: string, level: i64 } }
            operators:
              levels: { table: user }
            sinks:
              out: { type: file, path: out.csv, header: false, ops: true, fields: [user, level] }
            edges: [updates -> levels, levels.out -> out]
            """, to: folder + "/m.yaml")
        let start = { (name: String) in
            try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)"])
        }
        let a = try start("a")
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count == 4 }, "\(a.stderr)")
        let b = try start("b")
        #expect(waitUntil(timeout: 60) { !Self.held(b.stderr).isEmpty && Self.held(a.stderr).count < 4 }, "\(b.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "updates", Self.records(0..<5_000))
        // Both wrote changes: B holds users' rows when it is killed.
        let firstHalf = waitUntil(timeout: 60) {
            Self.expected(5_000).isSubset(of: Self.rows(folder, ["a", "b"])) && !Self.rows(folder, ["a"]).isEmpty && !Self.rows(folder, ["b"]).isEmpty
        }
        #expect(firstHalf, "\(b.stderr)")
        b.signal(SIGKILL)
        _ = b.wait()
        try KafkaConnectorTests.produce(mock.bootstrapServers, "updates", Self.records(5_000..<10_000))
        let expected = Self.expected(10_000)
        let complete = waitUntil(timeout: 120) { expected.isSubset(of: Self.rows(folder, ["a", "b"])) }
        let missing = expected.subtracting(Self.rows(folder, ["a", "b"]))
        #expect(complete, "\(missing.count) rows missing, e.g. \(missing.sorted().prefix(8)); A: \(a.stderr)")
        #expect(Self.held(a.stderr).count == 4, "A took over every partition")
        #expect(a.stderr.contains("levels: restored partitions"), "\(a.stderr)")
        a.signal(SIGTERM)
        _ = a.wait()
        let extra = Self.rows(folder, ["a", "b"]).subtracting(expected)
        #expect(extra.isEmpty, "changes no single process writes (a user's rows not moved with it): \(extra.sorted().prefix(10))")
    }
}
