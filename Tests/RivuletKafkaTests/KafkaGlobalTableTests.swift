// KafkaGlobalTableTests: joins with a global table: every process reads it whole; no waiting record lost.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A stream–table join whose table is a global Kafka source (Kafka Streams' GlobalKTable): every
/// process reads every partition of the table's topic from the beginning at every start, so the table
/// is rebuilt from its topic after a restart. Clicks wait in the join until the table's watermark passes
/// them; the offsets committed for a checkpoint never pass a click that was still waiting then, so a
/// process killed with SIGKILL loses none of them.
@Suite(.serialized) struct KafkaGlobalTableTests {
    static let clicks = 3000

    static func manifest(_ bootstrap: String, app: String) -> String {
        """
        application_id: \(app)
        kafka: { bootstrap_servers: "\(bootstrap)", properties: \(KafkaConnectorTests.fastGroup) }
        checkpoint: { interval: 100ms, dir: chk }
        sources:
          clicks: { type: kafka, topics: clicks, format: csv, schema: { ts: i64, user: string }, time: { type: event, field: ts } }
          profiles:
            type: kafka
            topics: profiles
            global: true
            format: csv
            schema: { ts: i64, user: string, age: i64 }
            time: { type: event, field: ts }
        operators:
          enrich: { join: stream_table, type: left, left_key: user, right_key: user }
        sinks:
          out: { type: file, path: out.csv, header: false }
        edges: [clicks -> enrich.left, profiles -> enrich.right, enrich.out -> out]
        """
    }

    /// The offsets group `group` has committed for `topic`'s partitions.
    static func committed(_ bootstrap: String, group: String, topic: String, partitions: Int) -> [Int32: Int64] {
        guard
            let consumer = try? KafkaConsumer(properties: KafkaProperties([("bootstrap.servers", bootstrap)]), groupID: group, start: .earliest)
        else { return [:] }
        defer { consumer.close() }
        let offsets = (try? consumer.committed((0..<partitions).map { TopicPartition(topic, Int32($0)) })) ?? [:]
        return Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.partition, $0.value) })
    }

    @Test func aKilledProcessLosesNoClickThatWasWaitingForTheTable() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("clicks", partitions: 3)
        try mock.createTopic("profiles", partitions: 2)
        // Click i: time 2000 + 10 i, user u(i % 5), partition i % 3. Profiles of u0…u4 at time 1000.
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "profiles", (0..<5).map { (Int32($0 % 2), nil, "1000,u\($0),\(20 + $0)", 0, []) })
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "clicks", (0..<Self.clicks).map { (Int32($0 % 3), nil, "\(2000 + 10 * $0),u\($0 % 5)", 0, []) })
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-global")
        Fixtures.write(Self.manifest(mock.bootstrapServers, app: "global"), to: folder + "/m.yaml")
        let first = try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.out.path=out-1.csv"])
        // Profiles at time 2500 in both partitions (the table's watermark is the smaller of its partitions')
        // release the clicks before it (i < 50); the rest keep waiting, so each partition's committed offset
        // stops at its first click at or after 2500: 51/3, 52/3, 50/3.
        #expect(waitUntil(timeout: 60) { first.stderr.contains("source 'clicks': assigned") }, "\(first.stderr)")
        try KafkaConnectorTests.produce(mock.bootstrapServers, "profiles", [(0, nil, "2500,u0,30", 0, []), (1, nil, "2500,u8,28", 0, [])])
        let expected: [Int32: Int64] = [0: 17, 1: 17, 2: 16]
        let stopped = waitUntil(timeout: 60) { Self.committed(mock.bootstrapServers, group: "global", topic: "clicks", partitions: 3) == expected }
        #expect(stopped, "committed \(Self.committed(mock.bootstrapServers, group: "global", topic: "clicks", partitions: 3)); \(first.stderr)")
        let released = waitUntil(timeout: 60) { Fixtures.read(folder + "/out-1.csv").split(separator: "\n").count == 50 }
        #expect(released, "\(Fixtures.read(folder + "/out-1.csv").split(separator: "\n").count) rows; \(first.stderr)")
        first.signal(SIGKILL)
        _ = first.wait()
        // Far in the future: every click is released. The restart rebuilds the table from its topic and
        // resumes the clicks from the committed offsets.
        try KafkaConnectorTests.produce(mock.bootstrapServers, "profiles", (0..<2).map { (Int32($0), nil, "100000000,u9,99", 0, []) })
        try KafkaConnectorTests.produce(mock.bootstrapServers, "clicks", (0..<3).map { (Int32($0), nil, "100000000,end", 0, []) })
        let second = try RivuletProcess.run(
            [
                "run", folder + "/m.yaml", "--set", "sinks.out.path=out-2.csv", "--set", "sources.clicks.until=end", "--set",
                "sources.profiles.until=end",
            ],
            deadline: 120)
        #expect(second.status == 0, "\(second.stderr)")
        let rows = (Fixtures.read(folder + "/out-1.csv") + Fixtures.read(folder + "/out-2.csv")).split(separator: "\n").map(String.init)
        let clicks = rows.filter { !$0.contains(",end,") }
        // Every click once, each with the profile as of its time (u0: 20 before 2500, 30 from then on).
        let want = (0..<Self.clicks).map { i -> String in
            let t = 2000 + 10 * i
            let age = i % 5 == 0 && t >= 2500 ? 30 : 20 + i % 5
            return "\(t),u\(i % 5),\(age)"
        }
        #expect(clicks.count == Self.clicks, "\(clicks.count) rows")
        let missing = Set(want).subtracting(clicks)
        #expect(missing.count == 0, "missing, e.g. \(missing.sorted().prefix(5))")
    }

    @Test func aGlobalSourceFeedsOnlyTheTableSideOfJoins() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-global-refused")
        Fixtures.write(
            """
            application_id: g
            kafka: { bootstrap_servers: "127.0.0.1:1" }
            sources:
              profiles: { type: kafka, topics: profiles, global: true, start: latest, format: csv, schema: { user: string, n: i64 } }
            sinks:
              out: { type: stdout }
            edges: [profiles -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("a global source reads its topics from the beginning in every run: remove start"), "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "source 'profiles' is global (every process reads all of it): it can feed only the right (table) input of a join, not 'out"),
            "\(result.stderr)")
    }

    /// A tombstone in a global table whose key is the Kafka key deletes that key from the table at its
    /// Kafka time: a click after it finds no profile.
    @Test func aTombstoneDeletesItsKeyFromAGlobalTable() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("clicks", partitions: 1)
        try mock.createTopic("profiles", partitions: 1)
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "profiles", [(0, "u1", "30", 1000, []), (0, "u2", "40", 1000, []), (0, "u1", nil, 2000, [])])
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "clicks", [(0, "u1", "1500", 1500, []), (0, "u2", "1600", 1600, []), (0, "u1", "2500", 2500, [])])
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-global-tombstone")
        Fixtures.write(
            """
            application_id: tomb
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              clicks: { type: kafka, topics: clicks, format: csv, schema: { n: i64 }, key_field: user, time: { type: kafka }, until: end }
              profiles: { type: kafka, topics: profiles, global: true, format: csv, schema: { age: i64 }, key_field: user, time: { type: kafka }, until: end }
            operators:
              enrich: { join: stream_table, type: left, left_key: user, right_key: user }
            sinks:
              out: { type: file, path: out.csv, header: false, fields: [n, user, age] }
            edges: [clicks -> enrich.left, profiles -> enrich.right, enrich.out -> out]
            """, to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == "1500,u1,30\n1600,u2,40\n2500,u1,\n", "\(run.stderr)")
    }
}
