// KafkaStoreTests: a plugin operator's store follows its input partitions between processes through changelog topics.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Kafka Streams' state per input partition: a plugin operator with a store (the fixture's `counter`,
/// counts per key) in a Kafka application keeps, per input partition, a memory store backed by partition p
/// of `<application_id>-<store>-changelog`. A second process joining mid-run takes partitions over with
/// their stores read back from the changelog, and the counts go on exactly: the changelog holds each
/// partition's store as of the checkpoint whose offsets were committed.
@Suite(.serialized) struct KafkaStoreTests {
    static let keys = 20

    /// Record i: key k(i % 20), always in partition (i % 20) % 4.
    static func records(_ range: Range<Int>) -> [(Int32, String?, String?, Int64, [(String, String)])] {
        range.map { i in (Int32(i % keys % 4), "k\(i % keys)", "\(i)", 0, []) }
    }

    /// The largest count each process emitted per key, over all of them.
    static func counts(_ folder: String, _ names: [String]) -> [String: Int] {
        var best: [String: Int] = [:]
        for name in names {
            for line in Fixtures.read("\(folder)/\(name).csv").split(separator: "\n") {
                let parts = line.split(separator: ",")
                guard parts.count == 2, let n = Int(parts[1]) else { continue }
                best[String(parts[0])] = max(best[String(parts[0])] ?? 0, n)
            }
        }
        return best
    }

    static func held(_ stderr: String) -> Set<Int> { HeldPartitions.of("events", in: stderr) }

    static func prepare(properties: String = KafkaConnectorTests.fastGroup) throws -> (KafkaMockCluster, String) {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 4)
        try mock.createTopic("st-counts-changelog", partitions: 4)
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-stores")
        Fixtures.write(
            """
            application_id: st
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(properties) }
            checkpoint: { interval: 200ms, dir: chk }
            plugins: { s: { path: "\(try Fixtures.plugin("stores"))" } }
            stores:
              counts: { type: memory }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { n: i64 } }
            operators:
              count: { plugin: s, operator: counter, stores: [counts] }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [events -> count, count.out -> out]
            """, to: folder + "/m.yaml")
        return (mock, folder)
    }

    static func start(_ folder: String, _ name: String) throws -> BackgroundRivulet {
        try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)"])
    }

    @Test func aJoiningProcessTakesPartitionsWithTheirStoresAndCountsStayExact() throws {
        let (mock, folder) = try Self.prepare()
        let a = try Self.start(folder, "a")
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count == 4 }, "\(a.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<2000))
        #expect(waitUntil(timeout: 60) { Self.counts(folder, ["a"]).values.reduce(0, +) == 2000 }, "\(a.stderr)")
        let b = try Self.start(folder, "b")
        let split = waitUntil(timeout: 60) { !Self.held(b.stderr).isEmpty && Self.held(a.stderr).count + Self.held(b.stderr).count == 4 }
        #expect(split, "B: \(b.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(2000..<4000))
        let expected = Dictionary(uniqueKeysWithValues: (0..<Self.keys).map { ("k\($0)", 4000 / Self.keys) })
        let done = waitUntil(timeout: 120) { Self.counts(folder, ["a", "b"]) == expected }
        #expect(done, "counts \(Self.counts(folder, ["a", "b"]).sorted { $0.key < $1.key }); A: \(a.stderr); B: \(b.stderr)")
        #expect(b.stderr.contains("count: restored partition"), "\(b.stderr)")
        for process in [a, b] {
            process.signal(SIGTERM)
            _ = process.wait()
        }
        // Exact: no key counted beyond its records (a replayed record is not counted twice).
        #expect(Self.counts(folder, ["a", "b"]) == expected)
    }

    /// A process killed with SIGKILL: the other takes its partitions over with their stores as of the
    /// last checkpoint it published, and skips the records those stores already count (the committed
    /// offsets may lag the changelog by up to a second): every count ends exact.
    @Test func aKilledProcessesStoresMoveToTheOtherAndNothingIsLost() throws {
        let (mock, folder) = try Self.prepare()
        let a = try Self.start(folder, "a")
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count == 4 }, "\(a.stderr)")
        let b = try Self.start(folder, "b")
        #expect(waitUntil(timeout: 60) { !Self.held(b.stderr).isEmpty && Self.held(a.stderr).count < 4 }, "B: \(b.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<2000))
        #expect(waitUntil(timeout: 60) { Self.counts(folder, ["a", "b"]).values.reduce(0, +) == 2000 }, "\(b.stderr)")
        b.signal(SIGKILL)
        _ = b.wait()
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(2000..<4000))
        let expected = Dictionary(uniqueKeysWithValues: (0..<Self.keys).map { ("k\($0)", 4000 / Self.keys) })
        let complete = waitUntil(timeout: 120) { Self.counts(folder, ["a", "b"]) == expected }
        #expect(complete, "counts \(Self.counts(folder, ["a", "b"]).sorted { $0.key < $1.key }); A: \(a.stderr)")
        #expect(Self.held(a.stderr).count == 4, "A took every partition over")
        #expect(a.stderr.contains("count: restored partition"), "\(a.stderr)")
        a.signal(SIGTERM)
        _ = a.wait()
        #expect(Self.counts(folder, ["a", "b"]) == expected)
    }

    /// The changelog written, the offsets never committed (auto-commit off, then SIGKILL): the next
    /// process reads the partitions from the start, and its stores, read back as of offset 500, skip the
    /// 500 records each already counts — the counts end exact, not doubled.
    @Test func recordsTheChangelogAlreadyCountsAreSkippedWhenTheOffsetsLagBehind() throws {
        let (mock, folder) = try Self.prepare(properties: "{ session.timeout.ms: 6000, heartbeat.interval.ms: 500, enable.auto.commit: false }")
        let a = try Self.start(folder, "a")
        #expect(waitUntil(timeout: 60) { Self.held(a.stderr).count == 4 }, "\(a.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<2000))
        // Every partition's store published as of offset 500 (the end of its 500 records).
        let published = waitUntil(timeout: 60) {
            let records = (try? readTopic(mock.bootstrapServers, "st-counts-changelog", count: 0, timeout: 10)) ?? []
            let reached = Dictionary(records.map { ($0.partition, Int($0.headers["rivulet.input"] ?? "") ?? 0) }) { max($0, $1) }
            return reached == [0: 500, 1: 500, 2: 500, 3: 500]
        }
        #expect(published, "\(a.stderr)")
        a.signal(SIGKILL)
        _ = a.wait()
        let b = try Self.start(folder, "b")
        #expect(waitUntil(timeout: 60) { Self.held(b.stderr).count == 4 }, "\(b.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(2000..<4000))
        let expected = Dictionary(uniqueKeysWithValues: (0..<Self.keys).map { ("k\($0)", 4000 / Self.keys) })
        let done = waitUntil(timeout: 120) { Self.counts(folder, ["b"]) == expected }
        #expect(done, "counts \(Self.counts(folder, ["b"]).sorted { $0.key < $1.key }); B: \(b.stderr)")
        for p in 0..<4 {
            #expect(b.stderr.contains("count: partition \(p): skipped 500 record(s) before offset 500"), "\(b.stderr)")
        }
        b.signal(SIGTERM)
        _ = b.wait()
        #expect(Self.counts(folder, ["b"]) == expected)
    }

    @Test func storesOfAKafkaApplicationAreMemoryStoresFedStraightByAKafkaSource() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-stores-refused")
        Fixtures.write(
            """
            application_id: st
            kafka: { bootstrap_servers: "127.0.0.1:1" }
            plugins: { s: { path: "\(try Fixtures.plugin("stores"))" } }
            stores:
              counts: { type: rocksdb }
              other: { type: memory }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { n: i64 } }
            operators:
              count: { plugin: s, operator: counter, stores: [counts] }
              again: { plugin: s, operator: counter, stores: [other], config: { store: other } }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [events -> count, count.out -> again, again.out -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("m.yaml:5:")
                && result.stderr.contains("store 'counts' of a Kafka application is a memory store per input partition"),
            "\(result.stderr)")
        #expect(
            result.stderr.contains("m.yaml:11:") && result.stderr.contains("operator 'again' keeps stores in a Kafka application"), "\(result.stderr)"
        )
    }

    /// Under exactly_once_v2 the sealed changes go into each checkpoint's transaction: after a run, the
    /// changelog's last record per key is the key's final count.
    @Test func underExactlyOnceTheChangelogHoldsEachKeysFinalCount() throws {
        let (mock, folder) = try Self.prepare()
        var manifest = Fixtures.read(folder + "/m.yaml")
        manifest = manifest.replacingOccurrences(of: "properties: ", with: "processing_guarantee: exactly_once_v2, properties: ")
        manifest = manifest.replacingOccurrences(of: "schema: { n: i64 } }", with: "schema: { n: i64 }, until: end }")
        Fixtures.write(manifest, to: folder + "/m.yaml")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", Self.records(0..<2000))
        let run = try RivuletProcess.run(["run", folder + "/m.yaml", "--set", "sinks.out.path=a.csv"], deadline: 120)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("exactly_once_v2: ") && !run.stderr.contains("exactly_once_v2: 0 transaction"), "\(run.stderr)")
        var last: [String: Int64] = [:]
        for record in try readTopic(mock.bootstrapServers, "st-counts-changelog", count: 0) {
            let bytes = Array(record.value.utf8)
            guard let key = record.key, bytes.count == 8 else { continue }
            last[key] = bytes.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
        }
        #expect(last == Dictionary(uniqueKeysWithValues: (0..<Self.keys).map { ("k\($0)", Int64(2000 / Self.keys)) }), "\(last)")
    }

    @Test func describeListsTheStoresChangelogTopic() throws {
        let (_, folder) = try Self.prepare()
        let result = try RivuletProcess.run(["describe", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains("st-counts-changelog: changelog of store 'counts' of 'count' (partition p: input partition p)"), "\(result.stdout)"
        )
        #expect(result.stdout.contains("kafka topic events (csv), group st,"), "\(result.stdout)")
    }
}
