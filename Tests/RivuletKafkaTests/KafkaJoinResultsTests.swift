// KafkaJoinResultsTests: a join split by key through Kafka gives the rows a run over files gives.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// A join of a Kafka application reads both inputs through its repartition topic, one join per
/// partition: its rows — late records included — are those of the same join over files.
@Suite(.serialized) struct KafkaJoinResultsTests {
    /// Lines of a file, sorted (the header left out when `header`).
    static func sortedLines(_ path: String, header: Bool) -> [String] {
        Fixtures.read(path).split(separator: "\n").dropFirst(header ? 1 : 0).map(String.init).sorted()
    }

    static let example = Fixtures.repositoryRoot + "/examples/click-enrichment"

    /// examples/click-enrichment's manifest as a Kafka application `app` on a mock cluster holding its
    /// inputs as the topics `clicks` and `profiles` (read to their end), edited by `edit`, run once.
    static func runExampleThroughKafka(app: String, edit: (String) -> String = { $0 }) throws -> (run: RivuletProcess, folder: String) {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["clicks", "profiles", "\(app)-enrich-repartition", "\(app)-enrich-changelog"] { try mock.createTopic(topic, partitions: 1) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-join-results")
        for (topic, file) in [("clicks", "clicks.csv"), ("profiles", "profiles.csv")] {
            let produced = try RivuletProcess.run(["kafka", "produce", topic, example + "/" + file, "--bootstrap-servers", mock.bootstrapServers])
            #expect(produced.status == 0, "\(produced.stderr)")
        }
        var manifest = Fixtures.read(example + "/manifest.yaml")
        manifest = manifest.replacingOccurrences(
            of: "name: click-enrichment",
            with: "name: click-enrichment\napplication_id: \(app)\nkafka: { bootstrap_servers: \"\(mock.bootstrapServers)\" }")
        for topic in ["clicks", "profiles"] {
            manifest = manifest.replacingOccurrences(
                of: "type: file\n    path: \(topic).csv", with: "type: kafka\n    topics: \(topic)\n    until: end\n    format: csv")
        }
        Fixtures.write(edit(manifest), to: folder + "/m.yaml")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        _ = mock
        return (run, folder)
    }

    /// examples/click-enrichment (the notes' stream–table join, with a late click and a late profile
    /// update) with its inputs as topics: the enriched clicks and both late outputs are its expected files.
    @Test func aStreamTableJoinThroughKafkaGivesTheExamplesExpectedRows() throws {
        let example = Self.example
        let (run, folder) = try Self.runExampleThroughKafka(app: "ce")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("sink enrich-repartition-left-out: 41 records"), "\(run.stderr)")
        for output in ["enriched", "late_clicks", "late_profiles"] {
            let got = Self.sortedLines("\(folder)/\(output).csv", header: true)
            let expected = Self.sortedLines("\(example)/expected-\(output).csv", header: true)
            #expect(
                got == expected, "\(output): got \(got.count) rows, expected \(expected.count): \(Set(got).symmetricDifference(expected).sorted())")
        }
    }

    /// The same join with a `filter` and a `map` between the clicks' topic and the join, and its keys
    /// written as expressions: records keep their input position through them, so the join is still
    /// split by key (its repartition topic carries the 41 clicks), with the same rows.
    @Test func aJoinBehindAFilterAndAMapIsSplitByKeyToo() throws {
        let (run, folder) = try Self.runExampleThroughKafka(app: "cf") { text in
            var manifest = text.replacingOccurrences(
                of: "operators:\n", with: "operators:\n  keep: { filter: \"ts >= 0\" }\n  tag: { map: { set: { page: \"trim(page)\" } } }\n")
            manifest = manifest.replacingOccurrences(of: "left_key: user_id", with: "left_key: trim(user_id)")
            manifest = manifest.replacingOccurrences(of: "right_key: user_id", with: "right_key: trim(user_id)")
            manifest = manifest.replacingOccurrences(
                of: "  - clicks -> enrich.left", with: "  - clicks -> keep\n  - keep -> tag\n  - tag -> enrich.left")
            // The join's output then carries the computed key fields: the sink writes the example's columns.
            return manifest.replacingOccurrences(
                of: "enriched: { type: file, path: enriched.csv }",
                with: "enriched: { type: file, path: enriched.csv, fields: [ts, user_id, page, age, gender] }")
        }
        let example = Self.example
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("sink enrich-repartition-left-out: 41 records"), "\(run.stderr)")
        let got = Self.sortedLines("\(folder)/enriched.csv", header: true)
        let expected = Self.sortedLines("\(example)/expected-enriched.csv", header: true)
        #expect(got == expected, "got \(got.count) rows, expected \(expected.count): \(Set(got).symmetricDifference(expected).sorted())")
    }

    /// An outer table–table join on the tables' key, with updates and deletes on both sides, over
    /// 3-partition topics (each id's changes in one partition, as a keyed producer writes them): the
    /// changelog it writes, op by op, is that of the same join over files.
    @Test func aTableTableJoinSplitByKeyGivesTheFileRunsChangelog() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        for topic in ["accounts", "owners", "tt-pair-repartition", "tt-pair-changelog"] { try mock.createTopic(topic, partitions: 3) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-table-join")
        // Change i at time i s: accounts of id (i × 7 % 20), owners of id (i × 3 % 20); every 9th a delete.
        var accounts: [(Int32, String?, String?, Int64, [(String, String)])] = []
        var owners: [(Int32, String?, String?, Int64, [(String, String)])] = []
        var accountLines = "", ownerLines = ""
        for i in 0..<300 {
            let a = i * 7 % 20, o = i * 3 % 20
            let account = i % 9 == 4 ? "\(i * 1000),a\(a)," : "\(i * 1000),a\(a),\(i * 10)"
            let owner = i % 9 == 7 ? "\(i * 1000 + 500),a\(o)," : "\(i * 1000 + 500),a\(o),n\(i)"
            accounts.append((Int32(a % 3), nil, account, 0, []))
            owners.append((Int32(o % 3), nil, owner, 0, []))
            accountLines += account + "\n"
            ownerLines += owner + "\n"
        }
        try KafkaConnectorTests.produce(mock.bootstrapServers, "accounts", accounts)
        try KafkaConnectorTests.produce(mock.bootstrapServers, "owners", owners)
        Fixtures.write(accountLines, to: folder + "/accounts.csv")
        Fixtures.write(ownerLines, to: folder + "/owners.csv")
        let body = """
            operators:
              pair: { join: table_table, type: outer, left_key: id, right_key: id }
            sinks:
              out: { type: file, path: out.csv, header: false, ops: true }
            edges: [accounts -> pair.left, owners -> pair.right, pair.out -> out]
            """
        Fixtures.write(
            """
            sources:
              accounts: { type: file, path: accounts.csv, header: false, schema: { ts: i64, id: string, balance: i64 }, time: { type: event, field: ts } }
              owners: { type: file, path: owners.csv, header: false, schema: { ts: i64, id: string, name: string }, time: { type: event, field: ts } }
            \(body)
            """, to: folder + "/files.yaml")
        Fixtures.write(
            """
            application_id: tt
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)" }
            sources:
              accounts: { type: kafka, topics: accounts, until: end, format: csv, schema: { ts: i64, id: string, balance: i64 }, time: { type: event, field: ts } }
              owners: { type: kafka, topics: owners, until: end, format: csv, schema: { ts: i64, id: string, name: string }, time: { type: event, field: ts } }
            \(body)
            """, to: folder + "/kafka.yaml")
        let files = try RivuletProcess.run(["run", folder + "/files.yaml", "--set", "sinks.out.path=files.csv"])
        #expect(files.status == 0, "\(files.stderr)")
        let kafka = try RivuletProcess.run(["run", folder + "/kafka.yaml", "--set", "sinks.out.path=kafka.csv"], deadline: 120)
        #expect(kafka.status == 0, "\(kafka.stderr)")
        #expect(kafka.stderr.contains("pair: restored partitions 0, 1, 2"), "\(kafka.stderr)")
        let expected = Self.sortedLines(folder + "/files.csv", header: false)
        let got = Self.sortedLines(folder + "/kafka.csv", header: false)
        #expect(expected.count > 500, "the file run's changelog: \(expected.count) changes")
        #expect(
            got == expected, "got \(got.count) changes, expected \(expected.count): \(Set(got).symmetricDifference(expected).sorted().prefix(10))")
    }
}
