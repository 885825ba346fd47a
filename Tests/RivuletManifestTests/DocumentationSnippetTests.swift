// DocumentationSnippetTests: every YAML snippet in README.md and docs/ reads, and says nothing the manifest reader refuses.
import Foundation
import Testing

@testable import RivuletManifest

@Suite struct DocumentationSnippetTests {
    /// A ```yaml block: where it is, and its text.
    struct Snippet: CustomStringConvertible {
        let file: String
        let line: Int
        let text: String
        var description: String { "\(file):\(line)" }
    }

    static let manifestKeys: Set<String> = [
        "name", "plugins", "stores", "state_directory", "sources", "operators", "sinks", "edges", "dead_letters", "checkpoint",
        "max_parallelism", "application_id", "kafka",
    ]

    static func snippets() -> [Snippet] {
        // Tests/RivuletManifestTests/<this file> → the repository.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? []
        let files = ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        var result: [Snippet] = []
        for file in files {
            let lines = ((try? String(contentsOfFile: root + "/" + file, encoding: .utf8)) ?? "").split(
                separator: "\n", omittingEmptySubsequences: false)
            var start: Int? = nil
            for (i, line) in lines.enumerated() {
                if line == "```yaml" {
                    start = i + 1
                } else if line == "```", let s = start {
                    result.append(Snippet(file: file, line: s + 1, text: lines[s..<i].joined(separator: "\n") + "\n"))
                    start = nil
                }
            }
        }
        return result
    }

    /// Errors that only say the snippet is part of a manifest (no sources, sinks or edges around it).
    static let incompleteness = [
        "has no input", "has no output", "no node named", "needs an edge", "missing required key", "is not declared",
        "has no outgoing", "is not connected", "nothing reads", "needs at least one", "no edge", "is not used", "needs '",
        "needs application_id",
    ]

    @Test func thereAreSnippets() {
        #expect(Self.snippets().count >= 15)
    }

    /// A whole manifest (or its top-level sections) is read as one; an operator's body (`name: { window: … }`)
    /// inside `operators:`; anything else (a Prometheus config, a lone `time:`) only as YAML. No error may
    /// be about what the snippet says — only about what it leaves out.
    @Test(arguments: snippets())
    fileprivate func aSnippetReadsAndIsValidAsFarAsItGoes(_ snippet: Snippet) throws {
        var composer = YAMLComposer(file: snippet.description)
        let root: YAMLNode?
        do {
            root = try composer.compose(snippet.text)
        } catch {
            Issue.record("\(snippet): \(error.message)")
            return
        }
        guard case .mapping(let pairs, _)? = root else { return }
        let operatorKinds: Set<String> = ["window", "function", "join", "plugin", "lookup", "table"]
        var text = snippet.text
        if pairs.allSatisfy({ Self.manifestKeys.contains($0.key) }) {
        } else if pairs.allSatisfy({ pair in
            if case .mapping(let body, _) = pair.value { return body.contains { operatorKinds.contains($0.key) } }
            return false
        }) {
            text = "operators:\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        } else if snippet.text.hasPrefix("  "), case .mapping = root {
            text = "operators:\n" + snippet.text
        } else {
            return
        }
        let errors = ManifestCheck.errors(text).filter { message in !Self.incompleteness.contains { message.contains($0) } }
        #expect(errors.isEmpty, "\(snippet): \(errors)")
    }
}
