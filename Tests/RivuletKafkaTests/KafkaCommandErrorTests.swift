// KafkaCommandErrorTests: `rivulet kafka` refuses bad lines (naming file:line), unknown topics and out-of-range
// options clearly, with exit 1 or 2.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct KafkaCommandErrorTests {
    /// A CSV row without the key column stops the produce at its line: the rows before it are produced
    /// (and said so), none after it.
    @Test func aMissingKeyNamesTheFileAndLine() throws {
        let mock = try KafkaMockProcess.start(brokers: 1, topics: ["t:1"])
        let folder = Fixtures.temporaryDirectory("rivulet-kafka")
        Fixtures.write("id,user,ts\n1,a,1000\n\n2,b,2000\n3\n4,c,4000\n", to: folder + "/data.csv")
        let produce = ["produce", "t", "--bootstrap-servers", mock.bootstrapServers]
        try KafkaCLI.expectFailure(
            produce + [folder + "/data.csv", "--key-field", "user"], "data.csv:5: no column 'user': the line has 1 column(s), the header 3",
            "the 2 record(s) before it were produced to t")
        #expect(try KafkaCLI.consumeJSON(mock, "t").map { $0["key"] as? String } == ["a", "b"])
        try KafkaCLI.expectFailure(
            produce + [folder + "/data.csv", "--key-field", "nope"], "data.csv:1: the header has no column 'nope' (its columns: id, user, ts)")

        for (name, text, options, message) in [
            (
                "events.jsonl", #"{"k":"x","ts":5}"# + "\n" + #"{"ts":6}"#, ["--key-field", "k", "--timestamp-field", "ts"],
                "events.jsonl:2: no member 'k'"
            ),
            (
                "zero.jsonl", #"{"k":"x","ts":0}"#, ["--timestamp-field", "ts"],
                "zero.jsonl:1: member 'ts' must be epoch milliseconds, an integer from 1 to 253402300799999"
            ),
            ("null.jsonl", #"{"k":null}"#, ["--key-field", "k"], "null.jsonl:1: member 'k' is null: a key must be a string or a number"),
            ("bad.jsonl", "not json", ["--key-field", "k"], "bad.jsonl:1: not a JSON object: expected '{' at column 1"),
            ("cut.jsonl", #"{"k":"x""#, ["--key-field", "k"], "cut.jsonl:1: not a JSON object: expected '}' at column 9"),
            ("time.csv", "k,ts\na,12:00", ["--timestamp-field", "ts"], "time.csv:2: column 'ts' must be epoch milliseconds"),
            ("quote.csv", "k,v\na,\"never closed", ["--key-field", "k"], "quote.csv:2: a quoted cell is not closed"),
        ] {
            Fixtures.write(text + "\n", to: folder + "/" + name)
            try KafkaCLI.expectFailure(produce + [folder + "/" + name] + options, message)
        }
    }

    /// Reading a topic that does not exist fails without creating it; producing to one too.
    @Test func anUnknownTopicIsAnErrorAndIsNotCreated() throws {
        let mock = try KafkaMockProcess.start(brokers: 1, topics: ["t:1"])
        for _ in 0..<2 {
            try KafkaCLI.expectFailure(["consume", "missing", "--bootstrap-servers", mock.bootstrapServers], "topic 'missing' does not exist")
        }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka")
        Fixtures.write("a\n", to: folder + "/a.txt")
        let produce = ["produce", "--bootstrap-servers", mock.bootstrapServers]
        try KafkaCLI.expectFailure(produce + ["missing", folder + "/a.txt"], "topic 'missing' does not exist")
        try KafkaCLI.expectFailure(produce + ["t", folder + "/a.txt", "--partition", "1"], "--partition 1: topic 't' has partitions 0 to 0")
        try KafkaCLI.expectFailure(produce + ["t", folder + "/none.txt"], "none.txt: cannot open: No such file or directory")
    }

    /// A cluster nobody serves: the read gives up at --timeout with exit 1.
    @Test func theTimeoutBoundsTheRead() throws {
        let run = try KafkaCLI.run(["consume", "t", "--bootstrap-servers", "127.0.0.1:1", "--timeout", "2"])
        #expect(run.status == 1, "\(run.ending): \(run.stderr)")
        #expect(run.stderr.contains("reading topic 't': timed out after 2 s: "), "\(run.stderr)")
        #expect(run.seconds < 60)
    }

    /// Malformed values on the command line exit 2 with why, before anything runs (the ranges of numeric
    /// options: CommandLineLimitTests).
    @Test(arguments: [
        (["mock", "--topic", "orders"], "expected NAME:PARTITIONS, such as orders:6"),
        (["mock", "--topic", "orders:0"], "the partition count of topic 'orders' must be an integer from 1 to 1024, got '0'"),
        (["mock", "--topic", "orders:1025"], "must be an integer from 1 to 1024, got '1025'"),
        (["mock", "--topic", "orders:x"], "must be an integer from 1 to 1024, got 'x'"),
        (["mock", "--topic", "bad name:3"], "the topic name 'bad name' is not valid"),
        (["mock", "--topic", "a:1", "--topic", "a:2"], "--topic a is given twice"),
        (["consume", "t", "--bootstrap-servers", "x:1", "--isolation", "dirty"], "'dirty'"),
        (["consume", "t", "--bootstrap-servers", "x:1", "--property", "no.such.thing=1"], "No such configuration property"),
        (["produce", "t", "f.txt", "--bootstrap-servers", "x:1", "--property", "linger.ms=soon"], "Invalid value for configuration property"),
        (["produce", "t", "f.txt", "--bootstrap-servers", "x:1", "--property", "linger.ms"], "expected name=value"),
        (["produce", "t", "f.txt", "--bootstrap-servers", "x:1", "--key-field", "k"], "f.txt is read as lines"),
        (["produce", "t/x", "f.csv", "--bootstrap-servers", "x:1"], "'t/x' is not a valid topic name"),
    ])
    func invalidCommandLinesExit2(arguments: [String], message: String) throws {
        try KafkaCLI.expectFailure(arguments, message, status: 2)
    }
}
