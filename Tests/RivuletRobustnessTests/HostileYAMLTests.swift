// HostileYAMLTests: alias bombs, deep nesting and huge documents make `rivulet validate` fail fast with a located error.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct HostileYAMLTests {
    /// Writes `text` as a manifest in a fresh folder and runs `rivulet validate` on it under a deadline.
    static func validate(_ text: String, deadline: Double = 20) throws -> (result: RivuletProcess, file: String) {
        let file = Fixtures.temporaryDirectory("rivulet-hostile") + "/m.yaml"
        Fixtures.write(text, to: file)
        return (try RivuletProcess.run(["validate", file], deadline: deadline), file)
    }

    /// Billion laughs: `a0` holds 9 values, each further anchor 9 aliases of the one before.
    static func bomb(levels: Int) -> String {
        var lines = ["a0: &a0 [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]"]
        for i in 1..<levels { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Fails unless `result` is a quick exit 2 whose stderr has `expected` located in `file`.
    static func expectRefused(_ result: RivuletProcess, _ file: String, _ expected: String) {
        #expect(!result.signaled && !result.timedOut, "\(result.ending)\n\(result.stderr.prefix(2000))")
        #expect(result.status == 2, "\(result.ending)\n\(result.stderr.prefix(2000))")
        #expect(result.stderr.hasPrefix(file + ":"), "\(result.stderr.prefix(500))")
        #expect(result.stderr.contains(expected), "\(result.stderr.prefix(500))")
        #expect(result.seconds < 10, "took \(result.seconds) s")
    }

    @Test(arguments: [9, 10])
    func aliasBombsFailFast(_ levels: Int) throws {
        // Nine lines used to take 20 s and 5 GB; ten, a SIGSEGV.
        let (result, file) = try Self.validate(Self.bomb(levels: levels))
        Self.expectRefused(result, file, "error: aliases expand this document beyond 100000 nodes")
    }

    @Test func anAliasBombAsAMappingKeyFailsFast() throws {
        // Yams hashes every mapping key in full while composing: this would take minutes before conversion.
        let (result, file) = try Self.validate(Self.bomb(levels: 7) + "k: { *a6 : 1 }\n")
        Self.expectRefused(result, file, "error: aliases expand this document beyond 100000 nodes")
    }

    @Test(arguments: [
        ("flow", "sources: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"),
        ("flow-900", "sources: " + String(repeating: "[", count: 900) + String(repeating: "]", count: 900) + "\n"),
        ("compact lists", "sources:\n" + String(repeating: "- ", count: 5000) + "x\n"),
        ("indented", (0..<1000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n"),
        ("alias chain", "a0: &a0 [x]\n" + (1..<30_000).map { "a\($0): &a\($0) [*a\($0 - 1)]" }.joined(separator: "\n") + "\n"),
    ])
    func deepNestingFailsFast(_ name: String, _ text: String) throws {
        let (result, file) = try Self.validate(text)
        Self.expectRefused(result, file, "levels deep")
    }

    @Test func aHugeDocumentIsRefusedAtTheLimit() throws {
        let line = "# " + String(repeating: "x", count: 97) + "\n"  // 100 bytes
        let (result, file) = try Self.validate(String(repeating: line, count: 11_000))
        // 1 MiB = 10485 lines of 100 bytes, and 76 bytes more.
        Self.expectRefused(result, file, "m.yaml:10486:77: error: the document is longer than 1MB (1048576 bytes)")
    }
}
