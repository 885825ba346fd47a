// KafkaForeignKeyJoinTests: a foreign-key table–table join split between processes gives the changelog of one process.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Kafka Streams' foreign-key join (KIP-213): a Kafka application splits a table–table join on a foreign
/// key into three joins split by key — the left table by its key (subscriptions), the right table by its
/// key (answers), the results by the left key — so an order whose customer changes is retracted and
/// re-joined by the process holding the order, whichever process holds the customers.
@Suite(.serialized) struct KafkaForeignKeyJoinTests {
    static let example = Fixtures.repositoryRoot + "/examples/orders-customers"
    /// Every internal topic of the join `join` of application `app`.
    static func topics(_ app: String, _ join: String = "join") -> [String] {
        ["\(join)-fk-left", "\(join)-fk-right", join].flatMap { ["\(app)-\($0)-repartition", "\(app)-\($0)-changelog"] }
    }

    /// examples/orders-customers (`manifest`) as a Kafka application `app` whose tables are topics of
    /// `partitions` partitions (each key's changes in one partition), read to their end.
    static func runExample(app: String, manifest name: String, partitions: Int32) throws -> (run: RivuletProcess, folder: String) {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["orders", "customers"] + Self.topics(app) { try mock.createTopic(topic, partitions: Int(partitions)) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-fk-\(app)")
        for topic in ["orders", "customers"] {
            var records: [(Int32, String?, String?, Int64, [(String, String)])] = []
            for line in Fixtures.read("\(example)/\(topic).csv").split(separator: "\n").dropFirst() {
                let key = line.split(separator: ",", omittingEmptySubsequences: false)[1]
                records.append((Int32(key.utf8.reduce(0) { $0 + Int($1) } % Int(partitions)), nil, String(line), 0, []))
            }
            try KafkaConnectorTests.produce(mock.bootstrapServers, topic, records)
        }
        var manifest = Fixtures.read("\(example)/\(name)")
        manifest = manifest.replacingOccurrences(
            of: "name: orders-customers",
            with: "name: orders-customers\napplication_id: \(app)\nkafka: { bootstrap_servers: \"\(mock.bootstrapServers)\" }")
        for topic in ["orders", "customers"] {
            manifest = manifest.replacingOccurrences(
                of: "type: file\n    path: \(topic).csv", with: "type: kafka\n    topics: \(topic)\n    until: end\n    format: csv")
        }
        manifest = manifest.replacingOccurrences(of: "dead_letters: { type: file, path: dead-letters.jsonl }", with: "")
        Fixtures.write(manifest, to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml", "--set", "sinks.joined.path=joined.csv"], deadline: 120)
        _ = mock
        return (run, folder)
    }

    /// The example's left and inner joins through Kafka, over 1 and 3 partitions: the joined changelog,
    /// op by op in each order's own order, and the late rows are the example's expected files.
    @Test(arguments: [("manifest.yaml", "expected-joined.csv", 1), ("manifest-inner.yaml", "expected-inner-joined.csv", 3)])
    func theExamplesForeignKeyJoinThroughKafkaGivesItsExpectedRows(manifest: String, expected: String, partitions: Int32) throws {
        let app = "oc\(partitions)"
        let (run, folder) = try Self.runExample(app: app, manifest: manifest, partitions: partitions)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("join-fk-right: restored partitions"), "\(run.stderr)")
        let joined = Fixtures.read("\(Self.example)/\(expected)").split(separator: "\n").dropFirst().map(String.init)
        let got = Fixtures.read("\(folder)/joined.csv").split(separator: "\n").dropFirst().map(String.init)
        #expect(Self.byKey(got) == Self.byKey(joined), "got:\n\(got.joined(separator: "\n"))\nexpected:\n\(joined.joined(separator: "\n"))")
        // The left join writes its late rows (none); the inner one drops them (`type: null`).
        for late in ["late_orders", "late_customers"] where manifest == "manifest.yaml" {
            #expect(Fixtures.read("\(folder)/\(late).csv") == Fixtures.read("\(Self.example)/expected-\(late).csv"), "\(late)")
        }
    }

    /// The stages' nodes take names of their own: a node already called so is an error naming both.
    @Test func aNodeNamedLikeAStageIsRefused() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-fk-names")
        Fixtures.write(
            """
            application_id: names
            kafka: { bootstrap_servers: "127.0.0.1:1" }
            sources:
              orders: { type: kafka, topics: orders, format: csv, schema: \(Self.orderSchema), time: { type: event, field: ts } }
              customers: { type: kafka, topics: customers, format: csv, schema: \(Self.customerSchema), time: { type: event, field: ts } }
            operators:
              pair: { join: table_table, type: left, left_key: cust, left_pk: oid, right_key: cid }
              pair-fk-right: { filter: "oid != ''" }
            sinks:
              out: { type: stdout }
            edges: [orders -> pair.left, customers -> pair.right, pair.out -> pair-fk-right, pair-fk-right -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("m.yaml:7:") && result.stderr.contains("one named 'pair-fk-right', which another node is called"),
            "\(result.stderr)")
    }

    /// The lines of a changelog (`op,key,…`), per key in their order.
    static func byKey(_ lines: [String]) -> [String: [String]] {
        Dictionary(grouping: lines) { String($0.split(separator: ",", omittingEmptySubsequences: false)[1]) }
    }

    /// The rows a changelog (`op,key,…`) leaves, by key: `+I`/`+U` set the row, `-U`/`-D` remove the row
    /// they name (a change emitted twice, as a process taking a partition over replays it, leaves the same).
    static func finalRows(_ lines: [String]) -> [String: String] {
        var rows: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            let key = String(parts[1].split(separator: ",", omittingEmptySubsequences: false)[0])
            switch parts[0] {
            case "+I", "+U": rows[key] = parts[1]
            case "-U", "-D": if rows[key] == parts[1] { rows[key] = nil }
            default: continue
            }
        }
        return rows
    }

    static let orderCount = 24
    static let customerCount = 8

    /// Order change i at time i s: order o(i × 7 % 24) points at customer c(i × 5 % 8) with amount i; every
    /// 9th deletes the order, every 13th leaves it without a customer. Every 11th is followed, at the same
    /// time, by a move of the order to customer c((i × 5 + 3) % 8), and every 23rd by a move back: several
    /// changes of one key at one time.
    static func order(_ i: Int) -> [String] {
        let o = i * 7 % orderCount, t = i * 1000
        if i % 9 == 4 { return ["\(t),o\(o),,"] }
        if i % 13 == 6 { return ["\(t),o\(o),,\(i)"] }
        var lines = ["\(t),o\(o),c\(i * 5 % customerCount),\(i)"]
        if i % 11 == 5 { lines.append("\(t),o\(o),c\((i * 5 + 3) % customerCount),\(i + 1)") }
        if i % 23 == 7 { lines.append("\(t),o\(o),c\(i * 5 % customerCount),\(i)") }
        return lines
    }

    /// Customer change j at time j s (an even j: at the same time as order change j) or j s + 500 ms:
    /// customer c(j × 3 % 8) named n<j>; every 10th deletes it. Every 11th is followed, at time j s, by a
    /// change of the customer order change j moves its order to last (m<j>): a right change at the time
    /// of two moves of one order. `keysOnly`: the customers are a list of keys (present or not), customer
    /// j coming at time 10 j s.
    static func customer(_ j: Int, keysOnly: Bool = false) -> [String] {
        let c = j * 3 % customerCount, t = j * 1000 + (j % 2 == 0 ? 0 : 500)
        // Keys alone come ten times slower: orders point at customers not there yet, and move meanwhile.
        if keysOnly { return ["\(j * 10_000),c\(c)"] }
        var lines = [j % 10 == 3 ? "\(t),c\(c)," : "\(t),c\(c),n\(j)"]
        if j % 11 == 5 { lines.append("\(j * 1000),c\((j * 5 + 3) % customerCount),m\(j)") }
        return lines
    }

    static func customerSchema(keysOnly: Bool) -> String { keysOnly ? "{ ts: i64, cid: string }" : customerSchema }

    /// Writes the file-run manifest and inputs of changes `0..<count` into `folder`; returns the file
    /// run's changelog.
    static func fileRun(_ folder: String, count: Int, type: String, keysOnly: Bool = false) throws -> [String] {
        Fixtures.write((0..<count).flatMap(order).joined(separator: "\n") + "\n", to: folder + "/orders.csv")
        Fixtures.write((0..<count).flatMap { customer($0, keysOnly: keysOnly) }.joined(separator: "\n") + "\n", to: folder + "/customers.csv")
        Fixtures.write(
            """
            sources:
              orders: { type: file, path: orders.csv, header: false, schema: \(Self.orderSchema), time: { type: event, field: ts } }
              customers: { type: file, path: customers.csv, header: false, schema: \(Self.customerSchema(keysOnly: keysOnly)), time: { type: event, field: ts } }
            \(Self.body(type))
            """, to: folder + "/files.yaml")
        let files = try RivuletProcess.run(["run", folder + "/files.yaml", "--set", "sinks.out.path=files.csv"])
        #expect(files.status == 0, "\(files.stderr)")
        return Fixtures.read(folder + "/files.csv").split(separator: "\n").map(String.init)
    }

    static let orderSchema = "{ ts: i64, oid: string, cust: string, amount: i64 }"
    static let customerSchema = "{ ts: i64, cid: string, name: string }"

    static func body(_ type: String, sink: String = "{ type: file, path: out.csv, header: false, ops: true }") -> String {
        """
        operators:
          pair: { join: table_table, type: \(type), left_key: cust, left_pk: oid, right_key: cid }
        sinks:
          out: \(sink)
        edges: [orders -> pair.left, customers -> pair.right, pair.out -> out]
        """
    }

    static func partition(of key: Substring) -> Int32 { Int32(key.dropFirst()) ?? 0 }

    static func produce(_ mock: KafkaMockCluster, _ range: Range<Int>, keysOnly: Bool = false) throws {
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "orders", range.flatMap(order).map { (partition(of: $0.split(separator: ",")[1]) % 3, nil, $0, 0, []) })
        try KafkaConnectorTests.produce(
            mock.bootstrapServers, "customers",
            range.flatMap { customer($0, keysOnly: keysOnly) }.map { (partition(of: $0.split(separator: ",")[1]) % 3, nil, $0, 0, []) })
    }

    /// 300 changes of each table over 3-partition topics, orders moving between customers (several times at
    /// one time too, with a change of the customer moved to at that time), deletes and orders without a
    /// customer on the left, updates and deletes on the right, ties between the two; and an inner join
    /// with a list of customer keys (a row is there or not, with no field to tell): one process writes,
    /// order by order, the changelog of the same join over files.
    @Test(arguments: [(300, "left", false), (100, "inner", true)])
    func aForeignKeyJoinSplitByKeyGivesTheFileRunsChangelog(count: Int, type: String, keysOnly: Bool) throws {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["orders", "customers"] + Self.topics("fk", "pair") { try mock.createTopic(topic, partitions: 3) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-fk-join")
        let expected = try Self.fileRun(folder, count: count, type: type, keysOnly: keysOnly)
        try Self.produce(mock, 0..<count, keysOnly: keysOnly)
        Fixtures.write(
            """
            application_id: fk
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)" }
            sources:
              orders: { type: kafka, topics: orders, until: end, format: csv, schema: \(Self.orderSchema), time: { type: event, field: ts } }
              customers: { type: kafka, topics: customers, until: end, format: csv, schema: \(Self.customerSchema(keysOnly: keysOnly)), time: { type: event, field: ts } }
            \(Self.body(type))
            """, to: folder + "/kafka.yaml")
        let described = try RivuletProcess.run(["describe", folder + "/kafka.yaml"])
        #expect(described.stdout.contains("fk-pair-fk-right-repartition") && described.stdout.contains("pair-fk-left"), "\(described.stdout)")
        let kafka = try RivuletProcess.run(["run", folder + "/kafka.yaml", "--set", "sinks.out.path=kafka.csv"], deadline: 120)
        #expect(kafka.status == 0, "\(kafka.stderr)")
        for stage in ["pair-fk-left", "pair-fk-right", "pair"] {
            #expect(kafka.stderr.contains("\(stage): restored partitions 0, 1, 2"), "\(kafka.stderr)")
        }
        let got = Fixtures.read(folder + "/kafka.csv").split(separator: "\n").map(String.init)
        #expect(expected.count > count, "the file run's changelog: \(expected.count) changes")
        let (want, have) = (Self.byKey(expected), Self.byKey(got))
        let differing = want.keys.filter { want[$0] != have[$0] }.sorted()
        #expect(
            want == have,
            "\(differing.count) orders differ, e.g. \(differing.first ?? ""): expected \(want[differing.first ?? ""] ?? []), got \(have[differing.first ?? ""] ?? [])"
        )
    }

    /// An inner foreign-key join shared by two processes; one is killed with SIGKILL mid-run, the other
    /// takes its partitions of all three stages over and restores their state from the changelog topics:
    /// the joined topic's rows, order by order, end as those of one process over files.
    @Test(arguments: ["at_least_once", "exactly_once_v2"])
    func aKilledProcessesStagesMoveToTheOtherAndTheRowsEndAsInOneProcess(guarantee: String) throws {
        let app = guarantee == "at_least_once" ? "fk-killed" : "fk-killed-eos"
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["orders", "customers", "joined"] + Self.topics(app, "pair") { try mock.createTopic(topic, partitions: 3) }
        let folder = Fixtures.temporaryDirectory("rivulet-\(app)")
        let expected = Self.finalRows(try Self.fileRun(folder, count: 600, type: "inner"))
        Fixtures.write(
            """
            application_id: \(app)
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", processing_guarantee: \(guarantee), properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              orders: { type: kafka, topics: orders, format: csv, schema: \(Self.orderSchema), time: { type: event, field: ts } }
              customers: { type: kafka, topics: customers, format: csv, schema: \(Self.customerSchema), time: { type: event, field: ts } }
            operators:
              pair: { join: table_table, type: inner, left_key: cust, left_pk: oid, right_key: cid }
            sinks:
              out: { type: kafka, topic: joined, format: csv, key: oid, ops: true }
              copy: { type: file, path: copy.csv, header: false, ops: true }
            edges: [orders -> pair.left, customers -> pair.right, pair.out -> out, pair.out -> copy]
            """, to: folder + "/m.yaml")
        func start(_ name: String) throws -> BackgroundRivulet {
            try BackgroundRivulet(["run", folder + "/m.yaml", "--set", "sinks.copy.path=\(name).csv", "--set", "checkpoint.dir=chk-\(name)"])
        }
        let stages = ["pair-fk-left-repartition", "pair-fk-right-repartition", "pair-repartition"]
        func held(_ process: BackgroundRivulet) -> [Int] { stages.map { HeldPartitions.of($0, in: process.stderr).count } }
        let a = try start("a")
        #expect(waitUntil(timeout: 60) { held(a) == [3, 3, 3] }, "\(a.stderr)")
        let b = try start("b")
        #expect(waitUntil(timeout: 60) { !held(b).contains(0) && !held(a).contains(3) }, "A: \(held(a)), B: \(held(b))\n\(b.stderr)")
        // First half: both join; B has written rows and state when it is killed.
        try Self.produce(mock, 0..<300)
        #expect(waitUntil(timeout: 60) { !Fixtures.read(folder + "/b.csv").isEmpty }, "\(b.stderr)")
        b.signal(SIGKILL)
        _ = b.wait()
        // Second half, then a delete of an unknown key far in the future in every partition: every change is due.
        try Self.produce(mock, 300..<600)
        for topic in ["orders", "customers"] {
            try KafkaConnectorTests.produce(
                mock.bootstrapServers, topic,
                (0..<3).map { (Int32($0), nil, topic == "orders" ? "100000000,zz\($0),," : "100000000,zz\($0),", 0, []) })
        }
        var rows: [String: String] = [:]
        let complete = waitUntil(timeout: 120) {
            guard let read = try? KafkaCLI.run(["consume", "joined", "--bootstrap-servers", mock.bootstrapServers]), read.status == 0 else {
                return false
            }
            rows = Self.finalRows(read.stdout.split(separator: "\n").map(String.init))
            return rows == expected
        }
        let differing = Set(expected.keys).union(rows.keys).filter { expected[$0] != rows[$0] }.sorted()
        #expect(
            complete,
            "\(differing.count) orders differ, e.g. \(differing.prefix(3).map { "\($0): \(expected[$0] ?? "-") / \(rows[$0] ?? "-")" }); A: \(a.stderr.split(separator: "\n").filter { !$0.contains("CONFWARN") }.suffix(30).joined(separator: "\n"))"
        )
        #expect(held(a) == [3, 3, 3], "A took over every partition of every stage")
        #expect(a.stderr.contains("pair-fk-right: restored partitions"), "\(a.stderr)")
        a.signal(SIGTERM)
        _ = a.wait()
    }
}
