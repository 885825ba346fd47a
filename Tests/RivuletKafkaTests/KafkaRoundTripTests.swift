// KafkaRoundTripTests: files produced with `rivulet kafka produce` come back exactly from `rivulet kafka consume`,
// through a real `rivulet kafka mock` process.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

@Suite struct KafkaRoundTripTests {
    /// 60 CSV rows keyed by 7 users over 3 partitions: every row comes back once with its key and
    /// timestamp; each partition's offsets are 0..n-1 and keep the file's order; a key stays in one partition.
    @Test func csvRecordsKeepTheirKeysTimestampsAndOrder() throws {
        let mock = try KafkaMockProcess.start(brokers: 1, topics: ["t:3"])
        let folder = Fixtures.temporaryDirectory("rivulet-kafka")
        var lines = ["id,user,ts,note"]
        var expected: [String: (user: String, ts: Int64, id: Int)] = [:]
        for id in 0..<60 {
            let user = "user-\(id % 7)", ts = Int64(1_700_000_000_000 + id * 1000)
            let line = "\(id),\(user),\(ts),\(id % 5 == 0 ? "\"a, \"\"quoted\"\" note\"" : "plain")"
            lines.append(line)
            expected[line] = (user, ts, id)
        }
        Fixtures.write(lines.joined(separator: "\n") + "\n", to: folder + "/data.csv")
        let produced = try KafkaCLI.run(
            ["produce", "t", folder + "/data.csv", "--bootstrap-servers", mock.bootstrapServers, "--key-field", "user", "--timestamp-field", "ts"])
        #expect(produced.status == 0, "\(produced.stderr)")
        #expect(produced.stderr.contains("produced 60 records to t"), "\(produced.stderr)")

        let records = try KafkaCLI.consumeJSON(mock, "t")
        #expect(records.count == 60)
        var seen: Set<String> = []
        var partitionOfKey: [String: Int64] = [:]
        var byPartition: [Int64: [(offset: Int64, id: Int)]] = [:]
        for record in records {
            let value = try #require(record["value"] as? String)
            let row = try #require(expected[value], "an unexpected value: \(value)")
            #expect(seen.insert(value).inserted, "\(value) twice")
            #expect(record["key"] as? String == row.user)
            #expect(KafkaCLI.int(record, "timestamp") == row.ts)
            #expect((record["headers"] as? [String: Any])?.isEmpty == true)
            let partition = try #require(KafkaCLI.int(record, "partition"))
            #expect(partitionOfKey[row.user, default: partition] == partition, "\(row.user) in two partitions")
            partitionOfKey[row.user] = partition
            byPartition[partition, default: []].append((try #require(KafkaCLI.int(record, "offset")), row.id))
        }
        #expect(Set(partitionOfKey.values).count > 1, "7 keys all in one partition of 3")
        for (partition, entries) in byPartition {
            #expect(entries.map(\.offset) == (0..<Int64(entries.count)).map { $0 }, "partition \(partition): offsets in order from 0")
            #expect(entries.map(\.id) == entries.map(\.id).sorted(), "partition \(partition) keeps the file's order")
        }
        #expect(records.map { KafkaCLI.int($0, "partition")! } == records.map { KafkaCLI.int($0, "partition")! }.sorted(), "written by partition")

        // --output writes the same lines to a file; --format value writes the values.
        let toFile = try KafkaCLI.run(
            ["consume", "t", "--bootstrap-servers", mock.bootstrapServers, "--format", "json", "--output", folder + "/out.jsonl"])
        #expect(toFile.status == 0 && toFile.stdout.isEmpty, "\(toFile.stderr)")
        #expect(try KafkaCLI.objects(Fixtures.read(folder + "/out.jsonl")).map { $0["value"] as? String } == records.map { $0["value"] as? String })
        let values = try KafkaCLI.run(["consume", "t", "--bootstrap-servers", mock.bootstrapServers])
        #expect(values.stdout == records.map { ($0["value"] as? String ?? "") + "\n" }.joined())
        #expect(mock.stop() == 0, "\(mock.stderr)")
    }

    /// JSON lines: keys from string and number members (as written), timestamps from numbers and strings,
    /// members nested deeper or spelled with escapes told apart.
    @Test func jsonLinesRoundTrip() throws {
        let mock = try KafkaMockProcess.start(brokers: 1, topics: ["j:1"])
        let folder = Fixtures.temporaryDirectory("rivulet-kafka")
        let lines = [
            #"{"k":"alpha","ts":1000,"v":1}"#,
            #"{"ts":"2000","k":12.50}"#,
            #"{"inner":{"k":"wrong","ts":1},"k":"a\"b\u00e9","list":[{"k":1}],"ts":3000}"#,
            #"  { "k" : -7 , "ts" : 4000 }  "#,
        ]
        Fixtures.write(lines.joined(separator: "\n") + "\n\n", to: folder + "/events.jsonl")
        try KafkaCLI.produce(mock, "j", folder + "/events.jsonl", ["--key-field", "k", "--timestamp-field", "ts"])
        let records = try KafkaCLI.consumeJSON(mock, "j")
        #expect(records.map { $0["value"] as? String } == lines)
        #expect(records.map { $0["key"] as? String } == ["alpha", "12.50", "a\"bé", "-7"])
        #expect(records.map { KafkaCLI.int($0, "timestamp") } == [1000, 2000, 3000, 4000])
        #expect(records.map { KafkaCLI.int($0, "offset") } == [0, 1, 2, 3])
    }

    /// Lines with quotes, backslashes, control characters and non-ASCII text come back byte for byte,
    /// through the JSON output (escaped) and the value output; `--partition` puts them all in one partition.
    @Test func oddBytesSurviveTheJSONOutput() throws {
        let mock = try KafkaMockProcess.start(brokers: 1, topics: ["odd:2"])
        let folder = Fixtures.temporaryDirectory("rivulet-kafka")
        let lines = [
            #"say "hi""#, #"back\slash \\ and \n literally"#, "tab\there", "bell\u{07} and \u{01}", "unicode: é ü 日本語 🎉",
            #"{"json":"inside","n":[1,2]}"#, "'single' \"double\" `back`", " leading and trailing spaces ",
        ]
        Fixtures.write(lines.joined(separator: "\n") + "\n", to: folder + "/odd.txt")
        try KafkaCLI.produce(mock, "odd", folder + "/odd.txt", ["--partition", "1"])
        let run = try KafkaCLI.run(["consume", "odd", "--bootstrap-servers", mock.bootstrapServers, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try KafkaCLI.objects(run.stdout)
        #expect(records.map { $0["value"] as? String } == lines)
        #expect(records.allSatisfy { KafkaCLI.int($0, "partition") == 1 && $0["key"] is NSNull && KafkaCLI.int($0, "timestamp")! > 0 })
        #expect(run.stdout.contains(#""value":"bell\u0007 and \u0001""#), "\(run.stdout)")
        let values = try KafkaCLI.run(["consume", "odd", "--bootstrap-servers", mock.bootstrapServers, "--format", "value"])
        #expect(values.stdout == lines.joined(separator: "\n") + "\n")

        // Bytes that are not UTF-8 go through as they are; the JSON output shows each as U+FFFD.
        let raw: [UInt8] = [0x61, 0xFF, 0x62, 0x0A, 0xC3, 0x0A]
        try Data(raw).write(to: URL(fileURLWithPath: folder + "/raw.txt"))
        let rawTopic = ["odd", "--bootstrap-servers", mock.bootstrapServers]
        try KafkaCLI.produce(mock, "odd", folder + "/raw.txt", ["--partition", "0"])
        let rawValues = try KafkaCLI.run(["consume"] + rawTopic + ["--format", "value", "--output", folder + "/raw.out"])
        #expect(rawValues.status == 0, "\(rawValues.stderr)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/raw.out"))).prefix(raw.count) == raw[...])
        let rawJSON = try KafkaCLI.consumeJSON(mock, "odd")
        #expect(rawJSON.prefix(2).map { $0["value"] as? String } == ["a\u{FFFD}b", "\u{FFFD}"])
    }

    /// Headers, a missing key and a missing value (written by RivuletKafka's producer) in the JSON output.
    @Test func headersAndNullsInTheJSONOutput() throws {
        let mock = try KafkaMockProcess.start(brokers: 1, topics: ["h:1"])
        let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", mock.bootstrapServers)]))
        let first = Array("v1".utf8), quoted = Array(#"x\y"#.utf8)
        try first.withUnsafeBytes { one in
            try quoted.withUnsafeBytes { two in
                try Array("value".utf8).withUnsafeBytes { value in
                    try producer.produce(
                        topic: "h", key: nil, value: value, headers: [.init(name: "h1", value: one), .init(name: #"q""#, value: two)],
                        timestamp: 1234)
                }
            }
        }
        try Array("k".utf8).withUnsafeBytes { key in try producer.produce(topic: "h", key: key, value: nil, timestamp: 5678) }
        try producer.flush()
        let run = try KafkaCLI.run(["consume", "h", "--bootstrap-servers", mock.bootstrapServers, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout == #"""
                {"partition":0,"offset":0,"timestamp":1234,"key":null,"headers":{"h1":"v1","q\"":"x\\y"},"value":"value"}
                {"partition":0,"offset":1,"timestamp":5678,"key":"k","headers":{},"value":null}

                """#)
    }

    /// `--max` stops after that many records (one partition: the first ones).
    @Test func maxStopsEarly() throws {
        let mock = try KafkaMockProcess.start(brokers: 1, topics: ["m:1"])
        let folder = Fixtures.temporaryDirectory("rivulet-kafka")
        Fixtures.write((0..<20).map { "line \($0)\n" }.joined(), to: folder + "/lines.txt")
        try KafkaCLI.produce(mock, "m", folder + "/lines.txt")
        let run = try KafkaCLI.run(["consume", "m", "--bootstrap-servers", mock.bootstrapServers, "--max", "5"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == (0..<5).map { "line \($0)\n" }.joined())
    }
}
