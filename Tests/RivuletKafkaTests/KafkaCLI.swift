// KafkaCLI: running `rivulet kafka …` in the Kafka tests, and reading its JSON lines output.
import Foundation
import RivuletTestSupport
import Testing

/// Shortcuts for the tests of `rivulet kafka produce` and `consume`.
enum KafkaCLI {
    /// Runs `rivulet kafka <arguments>` (killed after 120 s).
    static func run(_ arguments: [String]) throws -> RivuletProcess {
        try RivuletProcess.run(["kafka"] + arguments, deadline: 120)
    }

    /// Runs `rivulet kafka <arguments>`, expecting exit `status` and each of `messages` on stderr.
    static func expectFailure(_ arguments: [String], _ messages: String..., status: Int32 = 1, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let run = try run(arguments)
        #expect(run.status == status && !run.signaled, "\(arguments): \(run.ending): \(run.stderr)", sourceLocation: sourceLocation)
        for message in messages { #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)", sourceLocation: sourceLocation) }
    }

    /// Produces `file` to `topic`, expecting success.
    static func produce(_ mock: KafkaMockProcess, _ topic: String, _ file: String, _ options: [String] = []) throws {
        let run = try run(["produce", topic, file, "--bootstrap-servers", mock.bootstrapServers] + options)
        try #require(run.status == 0 && !run.signaled, "produce: \(run.ending): \(run.stderr)")
    }

    /// Reads `topic` with `--format json` (and `options`), expecting success; each output line parsed.
    static func consumeJSON(_ mock: KafkaMockProcess, _ topic: String, _ options: [String] = []) throws -> [[String: Any]] {
        let run = try run(["consume", topic, "--bootstrap-servers", mock.bootstrapServers, "--format", "json"] + options)
        try #require(run.status == 0 && !run.signaled, "consume: \(run.ending): \(run.stderr)")
        return try objects(run.stdout)
    }

    /// One JSON object per line of `text`.
    static func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object, "not a JSON object: \(line)")
        }
    }

    /// An integer member of a record.
    static func int(_ record: [String: Any], _ name: String) -> Int64? {
        (record[name] as? NSNumber)?.int64Value
    }
}
