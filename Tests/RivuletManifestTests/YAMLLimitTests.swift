// YAMLLimitTests: alias bombs, deep nesting and oversized documents are refused quickly, at the place they go too far.
import Foundation
import Testing

@testable import RivuletManifest

@Suite struct YAMLLimitTests {
    /// Billion laughs: `a0` holds 9 values, each further anchor 9 aliases of the one before.
    static func bomb(levels: Int) -> String {
        var lines = ["a0: &a0 [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]"]
        for i in 1..<levels { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The errors of `yaml` and how long loading took.
    static func timed(_ yaml: String, _ overrides: [String] = []) -> (errors: [String], seconds: Double) {
        let start = Date()
        let errors = ManifestCheck.errors(yaml, overrides)
        return (errors, Date().timeIntervalSince(start))
    }

    @Test func billionLaughsIsRefusedAtTheAliasThatGoesTooFar() {
        let (errors, seconds) = Self.timed(Self.bomb(levels: 9))
        #expect(
            errors == [
                "5:22: aliases expand this document beyond 100000 nodes, the most a manifest may hold ('*a3' here adds up to 20502): use fewer aliases of large anchors"
            ])
        #expect(seconds < 2)
    }

    @Test func anAliasBombUsedAsAKeyIsRefusedBeforeYamsHashesIt() {
        let (errors, seconds) = Self.timed(Self.bomb(levels: 7) + "k: { *a6 : 1 }\n")
        #expect(errors.count == 1 && errors[0].hasPrefix("5:22: aliases expand this document beyond 100000 nodes"), "\(errors)")
        #expect(seconds < 2)
    }

    @Test func aliasesWithinTheLimitStillWork() throws {
        let manifest = try ManifestCheck.parse(
            """
            sources:
              a: &gen { type: generator, count: 10, keys: &k 5 }
              b: *gen
            sinks:
              out: &null { type: "null" }
              out2: *null
            edges: [a -> out, b -> out2]
            """)
        #expect(manifest.sources.map(\.name) == ["a", "b"])
        #expect(manifest.sources[1].kind == .generator(GeneratorSpec(count: 10, keys: 5)))
        // A list of 1000 aliases of a small anchor: 3000 nodes.
        let many = (0..<1000).map { _ in "*k" }.joined(separator: ", ")
        let errors = ManifestCheck.errors("x: &k [1, 2]\ny: [\(many)]\n")
        #expect(errors.count == 5 && errors.allSatisfy { $0.contains("unknown key") || $0.contains("missing required key") }, "\(errors)")
    }

    @Test func aBlockStyleBombIsRefusedToo() {
        var yaml = "a0: &a0\n" + String(repeating: "  - x\n", count: 9)
        for i in 1..<9 { yaml += "a\(i): &a\(i)\n" + String(repeating: "  - *a\(i - 1)\n", count: 9) }
        let (errors, seconds) = Self.timed(yaml)
        #expect(errors.count == 1 && errors[0].contains("aliases expand this document beyond 100000 nodes"), "\(errors)")
        #expect(seconds < 2)
    }

    /// Ways to hide an alias from a scan that reads too little YAML: a key alias written `*a:`, a byte
    /// order mark before a comment, a document marker after a plain scalar, a block scalar ended by a
    /// shallower line. Each document's two uses of `*a` add more than 40 nodes: the scan must see them.
    @Test(arguments: [
        ("an alias key without a space", "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nk: { *a: 1, *a: 2 }\n", "2:13"),
        ("a byte order mark", "\u{FEFF}# c\na: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nk: [*a, *a]\n", "3:9"),
        ("a marker after a plain scalar", "x\n---\na: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nk: [*a, *a]\n", "4:9"),
        ("a block scalar's end", "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nk: |\n      text\n    j: [*a, *a]\n", "4:13"),
    ])
    func aliasesAreFoundWhereYamlFindsThem(_ name: String, _ yaml: String, _ at: String) {
        var scan = YAMLPreflight(file: "m.yaml", bytes: Array(yaml.utf8), maximumNodes: 40)
        do {
            try scan.run()
            Issue.record("\(name): the aliases were not seen")
        } catch {
            #expect(error.description.hasPrefix("m.yaml:\(at): error: aliases expand this document beyond 40 nodes"), "\(name): \(error)")
        }
    }

    /// What an alias adds is measured by its anchor's node (a bracketed collection, a scalar, the lines
    /// under a key), not by everything up to the alias: anchors far from their uses stay cheap.
    @Test func anchorsFarFromTheirUsesAreMeasuredByTheirNode() {
        let filler = (0..<3000).map { "    k\($0): [v, \($0)]" }.joined(separator: "\n")
        let uses = Array(repeating: "*f, *b, *s, *l", count: 400).joined(separator: ", ")
        let yaml =
            "x:\n  flow: &f { type: generator, count: 10 }\n  block: &b\n    type: generator\n    count: 10\n"
            + "  scalar: &s 10\n  list: &l\n  - 1\n  - 2\n  filler:\n" + filler + "\ny: [" + uses + "]\n"
        let (errors, seconds) = Self.timed(yaml)
        #expect(errors.allSatisfy { $0.contains("unknown key") || $0.contains("missing required key") }, "\(errors)")
        #expect(seconds < 5)
    }

    @Test(arguments: [
        (
            "flow brackets", "sources: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n",
            "1:73: collections nest more than 64 levels deep here, the most a manifest may: flatten the document"
        ),
        (
            "flow mappings", "sources: " + String(repeating: "{a: ", count: 70) + "1" + String(repeating: "}", count: 70) + "\n",
            "1:262: collections nest more than 64 levels deep here, the most a manifest may: flatten the document"
        ),
        (
            "compact lists", "sources:\n" + String(repeating: "- ", count: 5000) + "x\n",
            "2:127: collections nest more than 64 levels deep here, the most a manifest may: flatten the document"
        ),
        (
            "indentation", (0..<200).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n",
            "65:65: collections nest more than 64 levels deep here, the most a manifest may: flatten the document"
        ),
        (
            "lists under keys", (0..<100).map { String(repeating: " ", count: $0 * 2) + "- k\($0):" }.joined(separator: "\n") + " x\n",
            "33:65: collections nest more than 64 levels deep here, the most a manifest may: flatten the document"
        ),
        (
            "alias chain", "a0: &a0 [x]\n" + (1..<30_000).map { "a\($0): &a\($0) [*a\($0 - 1)]" }.joined(separator: "\n") + "\n",
            "64:12: alias '*a62' nests this document up to 65 levels deep; collections may nest at most 64 levels: flatten it"
        ),
    ])
    func deepNestingIsRefusedWhereItGoesTooDeep(_ name: String, _ yaml: String, _ expected: String) {
        let (errors, seconds) = Self.timed(yaml)
        #expect(errors == [expected], "\(name)")
        #expect(seconds < 2, "\(name)")
    }

    @Test func sixtyFourLevelsAreAllowed() {
        let yaml = "sources: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n"
        #expect(
            ManifestCheck.errors(yaml) == [
                "1:1: missing required key 'sinks' in the manifest", "1:1: missing required key 'edges' in the manifest",
                "1:10: sources must be a mapping of names to definitions, got a list",
            ])
    }

    @Test func aDocumentLongerThanTheLimitIsRefusedWhereItCrossesIt() throws {
        let line = "# " + String(repeating: "x", count: 97) + "\n"  // 100 bytes
        #expect(
            ManifestCheck.errors(String(repeating: line, count: 11_000)) == [
                "10486:77: the document is longer than 1MB (1048576 bytes), the most a manifest may hold: split it or shorten it"
            ])
        // From a file, only the first megabyte (and one byte) is read.
        let folder = NSTemporaryDirectory() + "rivulet-yaml-limits-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try String(repeating: line, count: 50_000).write(toFile: folder + "/big.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try Manifest.load(path: folder + "/big.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description
                    == "\(folder)/big.yaml:10486:77: error: the document is longer than 1MB (1048576 bytes), the most a manifest may hold: split it or shorten it"
            )
        }
    }

    @Test func aHugeFlatDocumentIsRefusedByCountingNodes() {
        let yaml =
            "sources: { g: { type: generator, count: 1 } }\nsinks: { o: { type: \"null\" } }\nedges: [g -> o]\nx: ["
            + Array(repeating: "1", count: 120_000).joined(separator: ",") + "]\n"
        #expect(
            ManifestCheck.errors(yaml) == [
                "4:199965: the document holds more than 100000 nodes (aliases expanded), the most a manifest may hold: shorten it or use fewer aliases"
            ])
    }

    /// Text that looks like nesting or aliases but is not (quoted, in comments, block scalars, plain
    /// scalars) is not counted: the preflight must not refuse valid manifests.
    @Test func lookalikesAreNotCounted() throws {
        let brackets = String(repeating: "[", count: 200)
        let stars = (0..<2000).map { _ in "*a" }.joined(separator: " ")
        let manifest = try ManifestCheck.parse(
            """
            name: "\(brackets) \(stars)"   # \(brackets) &a \(stars)
            plugins:
              std:
                library: rv_std_c
                config:
                  single: '\(brackets) it''s'
                  plain: x\(brackets) &b *a
                  block: |
                    \(brackets)
                      \(stars)
                  folded: >-
                    - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -
                  json: {"k":"\(brackets)", "l": [1, 2]}
                  multi: [a, b,
                    c]
            sources:
              gen: { type: generator, count: 10 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """)
        #expect(manifest.name.hasPrefix(brackets))
        #expect(manifest.plugins[0].config.first { $0.key == "single" }?.value == brackets + " it's")
    }

    /// Overrides' values are YAML too, and bounded the same way.
    @Test func overrideValuesAreBounded() {
        let base = "sources: { g: { type: generator, count: 1 } }\nsinks: { o: { type: \"null\" } }\nedges: [g -> o]\n"
        #expect(
            ManifestCheck.errors(base, ["name=" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)]) == [
                "--set name:1:65: collections nest more than 64 levels deep here, the most a manifest may: flatten the document"
            ])
    }
}
