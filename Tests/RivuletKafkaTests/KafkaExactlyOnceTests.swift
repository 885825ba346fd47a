// KafkaExactlyOnceTests: exactly_once_v2 runs: offsets in transactions, SIGKILL and restart, what is refused.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// `processing_guarantee: exactly_once_v2` against librdkafka's mock cluster. The mock commits and
/// aborts transactions but hides nothing aborted from `read_committed` readers (PLATFORM-NOTES) and
/// does not store the offsets a transaction commits (its TxnOffsetCommit handler reads and drops
/// them), so these tests check what it can show: transactions commit with the sources' offsets added,
/// a run killed with SIGKILL and restarted loses nothing, and the configuration is checked. Windows
/// shared by two processes under exactly_once_v2, one killed: `KafkaStatefulScaleOutTests`.
@Suite(.serialized) struct KafkaExactlyOnceTests {
    /// The records `topic`'s partitions hold (their end offsets), asked of the cluster.
    static func written(_ bootstrap: String, topic: String, partitions: Int) throws -> Int64 {
        let consumer = try KafkaConsumer(properties: KafkaProperties([("bootstrap.servers", bootstrap)]), groupID: "probe", start: .earliest)
        defer { consumer.close() }
        return try (0..<partitions).reduce(0) { try $0 + consumer.watermarks(TopicPartition(topic, Int32($1))).high }
    }

    @Test func killedAndRestartedEveryRecordArrivesThroughCommittedTransactions() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 3)
        try mock.createTopic("out", partitions: 3)
        let count = 60_000
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<count).map { (Int32($0 % 3), "k\($0)", "\($0)", 0, []) })
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-eos")
        Fixtures.write(
            """
            application_id: eos
            kafka:
              bootstrap_servers: "\(mock.bootstrapServers)"
              processing_guarantee: exactly_once_v2
              properties: \(KafkaConnectorTests.fastGroup)
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { n: i64 }, key_field: id, until: end, batch_size: 256 }
            sinks:
              out: { type: kafka, topic: out, format: csv, key: id }
            edges: [events -> out]
            """, to: folder + "/m.yaml")
        // Killed once some output is written: a transaction is open.
        let first = try BackgroundRivulet(["run", folder + "/m.yaml"])
        let progressed = waitUntil(timeout: 120) {
            ((try? Self.written(mock.bootstrapServers, topic: "out", partitions: 3)) ?? 0) > 0 || !first.isRunning
        }
        #expect(progressed, "\(first.stderr)")
        let killed = first.isRunning
        first.signal(SIGKILL)
        _ = first.wait()
        #expect(killed, "the first run ended before it could be killed")
        // The restart resumes from the offsets its transactions committed (the mock stores none: it reads from the start).
        let last = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 300)
        #expect(last.status == 0, "\(last.stderr)")
        let summary = last.stderr.split(separator: "\n").first { $0.contains("exactly_once_v2: ") }.map(String.init) ?? ""
        let numbers = summary.matches(of: #/(\d+) transaction\(s\) committed, with offsets of (\d+) partition/#).first
        #expect(numbers.map { Int($0.1)! > 0 && Int($0.2)! >= 3 } == true, "\(last.stderr)")
        // Every record arrived, keyed as read. (A real cluster hides what the killed run's open
        // transaction wrote; the mock shows it, so records may appear twice here.)
        let out = try readTopic(mock.bootstrapServers, "out", count: count)
        #expect(Set(out.map(\.value)) == Set((0..<count).map { "\($0),k\($0)" }))
        #expect(out.allSatisfy { "\($0.key ?? "-")" == "k" + $0.value.prefix { $0 != "," } })
    }

    /// A table keeps its rows in a changelog topic (so exactly_once_v2 can restore it), unless it is
    /// kept in a store of its own.
    @Test func exactlyOnceTakesATableButNotOneKeptInAStore() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-eos-table")
        Fixtures.write(
            """
            application_id: eos
            kafka: { bootstrap_servers: "127.0.0.1:1", processing_guarantee: exactly_once_v2 }
            stores:
              rows: { type: memory }
            sources:
              a: { type: kafka, topics: a, format: csv, schema: { id: string, n: i64 } }
            operators:
              split: { table: id }
              kept: { table: id, store: rows }
            sinks:
              out: { type: kafka, topic: out, format: csv }
            edges: [a -> split, a -> kept, split.out -> out, kept.out -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("m.yaml:9:") && result.stderr.contains("operator 'kept' is a table kept in a store"), "\(result.stderr)")
        #expect(!result.stderr.contains("operator 'split'"), "\(result.stderr)")
    }

    @Test func exactlyOnceRefusesStateKeptOutsideChangelogsAndSinkProperties() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-eos-refused")
        Fixtures.write(
            """
            application_id: eos
            kafka: { bootstrap_servers: "127.0.0.1:1", processing_guarantee: exactly_once_v2 }
            sources:
              a: { type: kafka, topics: a, format: csv, schema: { pk: string, id: string, n: i64 }, time: { type: kafka } }
              b: { type: kafka, topics: b, format: csv, schema: { id: string, m: i64 }, time: { type: kafka } }
            operators:
              j: { join: table_table, type: inner, left_key: id, left_pk: pk, right_key: id, lateness: operator }
            sinks:
              out: { type: kafka, topic: out, format: csv, properties: { linger.ms: 5 } }
            edges: [a -> j.left, b -> j.right, j.out -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("m.yaml:7:"), "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "operator 'j' is a join that cannot be split by key (see docs/KAFKA.md, \"Joins\"): its state is kept in the process"),
            "\(result.stderr)")
        #expect(result.stderr.contains("m.yaml:9:"), "\(result.stderr)")
        #expect(result.stderr.contains("sink 'out': under exactly_once_v2 every Kafka sink writes through the process's one"), "\(result.stderr)")
        Fixtures.write(
            """
            application_id: eos
            kafka: { bootstrap_servers: "127.0.0.1:1", processing_guarantee: exactly_twice }
            sources:
              a: { type: kafka, topics: a, format: csv, schema: { n: i64 } }
            sinks:
              out: { type: stdout }
            edges: [a -> out]
            """, to: folder + "/n.yaml")
        // A file source (read again from its start after a restart), a checkpoint interval the brokers'
        // transaction timeout cannot hold, read_uncommitted: refused; a file sink: at least once, a warning.
        Fixtures.write(
            """
            application_id: eos
            kafka: { bootstrap_servers: "127.0.0.1:1", processing_guarantee: exactly_once_v2, properties: { isolation.level: read_uncommitted } }
            checkpoint: { interval: 6s, dir: chk }
            sources:
              a: { type: kafka, topics: a, format: csv, schema: { n: i64 } }
              f: { type: file, path: f.csv, schema: { n: i64 } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [a -> out, f -> out]
            """, to: folder + "/o.yaml")
        let more = try RivuletProcess.run(["validate", folder + "/o.yaml"], deadline: 60)
        #expect(more.status == 2, "\(more.stderr)")
        #expect(more.stderr.contains("o.yaml:6:") && more.stderr.contains("source 'f' is not a Kafka topic"), "\(more.stderr)")
        #expect(more.stderr.contains("o.yaml:2:") && more.stderr.contains("isolation.level must be read_committed"), "\(more.stderr)")
        #expect(more.stderr.contains("o.yaml:3:") && more.stderr.contains("checkpoint interval 6000 ms"), "\(more.stderr)")
        Fixtures.write(
            """
            application_id: eos
            kafka: { bootstrap_servers: "127.0.0.1:1", processing_guarantee: exactly_once_v2 }
            sources:
              a: { type: kafka, topics: a, format: csv, schema: { n: i64 } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [a -> out]
            """, to: folder + "/p.yaml")
        // A plugin operator with state of its own (rv_std_c's running_total saves its totals in
        // snapshots, which only local checkpoints restore): refused when the plan is made.
        Fixtures.write(
            """
            application_id: eos
            kafka: { bootstrap_servers: "127.0.0.1:1", processing_guarantee: exactly_once_v2 }
            plugins:
              c: { library: rv_std_c }
            sources:
              a: { type: kafka, topics: a, format: csv, schema: { n: i64 } }
            operators:
              total: { plugin: c, operator: running_total, config: { field: n } }
            sinks:
              out: { type: kafka, topic: out, format: csv }
            edges: [a -> total, total -> out]
            """, to: folder + "/q.yaml")
        let stateful = try RivuletProcess.run(["validate", folder + "/q.yaml"], deadline: 60)
        #expect(stateful.status == 2, "\(stateful.stderr)")
        #expect(
            stateful.stderr.contains("q.yaml:8:") && stateful.stderr.contains("operator 'total' keeps state of its own or timers"),
            "\(stateful.stderr)")
        let warned = try RivuletProcess.run(["validate", folder + "/p.yaml"], deadline: 60)
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(
            warned.stderr.contains("p.yaml:6:")
                && warned.stderr.contains("sink 'out' is not a Kafka topic: under exactly_once_v2 it commits at each checkpoint"),
            "\(warned.stderr)")
        let unknown = try RivuletProcess.run(["validate", folder + "/n.yaml"], deadline: 60)
        #expect(unknown.status == 2)
        #expect(
            unknown.stderr.contains("n.yaml:2:")
                && unknown.stderr.contains("unknown processing_guarantee 'exactly_twice' (expected one of: at_least_once, exactly_once_v2)"),
            "\(unknown.stderr)")
    }
}
