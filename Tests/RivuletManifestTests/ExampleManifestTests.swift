// ExampleManifestTests: the reference example of the format, decoded into the exact model.
import Foundation
import Testing

@testable import RivuletManifest

@Suite struct ExampleManifestTests {
    /// The example of docs/MANIFEST.md, with comments; `sinks.dead` and the edge `gen -> dead` are what the
    /// first draft of the example lacked (see `exampleWithoutDeadSinkHasTwoErrors`).
    static let example = """
        name: card-payments                 # optional; default: the file's base name without extension
        plugins:                            # name -> where the shared library is
          std: { library: rv_std_c }        # found by library name on the plugin search path (lib<name>.so)
          mine: { path: ./libmine.so, config: { verbose: true } }   # explicit path, relative to the manifest's folder
        sources:
          payments:
            type: file                      # file | stdin | generator
            path: payments.csv              # relative to the manifest's folder
            format: csv                     # csv | jsonl | lines
            header: true                    # csv only, default true
            delimiter: ","                  # csv only, one character, default ","
            schema:                         # optional ordered mapping field -> type
              card: string
              amount: f64
            key: card                       # optional: must be in the schema
            batch_size: 1024                # optional positive int, default 1024
          gen:
            type: generator
            count: 1000000
            keys: 1000
        operators:
          fingerprint:                      # an FFI operator
            function: { library: libz.so.1, symbol: crc32_z, args: [i64, bytes], returns: i64 }
            arguments: [0, card]
            output: card_fp
          mask:
            plugin: std
            operator: mask_card
            config: { field: card, keep: 4 }# optional; any YAML
            parallelism: 1
        sinks:
          out:
            type: file
            path: out.csv
            format: csv
            header: true
            delimiter: ","
            fields: [card, amount]
          dead:
            type: null
        edges:
          - payments -> fingerprint         # default ports: output "out", input "in"
          - fingerprint -> mask
          - mask.out -> out
          - mask.errors -> dead
          - gen -> dead
        dead_letters:
          type: file
          path: dead.jsonl
        """

    static let file = "/data/jobs/card-payments.yaml"

    static func at(_ line: Int, _ column: Int) -> RivuletManifest.SourceLocation { ManifestCheck.at(line, column, file: file) }

    static let comma = UInt8(ascii: ",")

    /// What `example` must decode to, field by field.
    static let expected: Manifest = {
        var m = Manifest(
            name: "card-payments", file: file, directory: "/data/jobs",
            plugins: [
                PluginSpec(name: "std", library: "rv_std_c", path: nil, config: [], location: at(3, 3)),
                PluginSpec(
                    name: "mine", library: nil, path: "/data/jobs/libmine.so",
                    config: [ConfigEntry(key: "verbose", value: "true", location: at(4, 50))], location: at(4, 3)),
            ],
            sources: [
                SourceSpec(
                    name: "payments", kind: .file(path: "/data/jobs/payments.csv"), format: .csv, header: true,
                    delimiter: comma,
                    schema: [
                        FieldSpec(name: "card", type: .string, location: at(13, 7)),
                        FieldSpec(name: "amount", type: .f64, location: at(14, 7)),
                    ],
                    key: "card", batchSize: 1024, location: at(6, 3)),
                SourceSpec(
                    name: "gen", kind: .generator(GeneratorSpec(count: 1_000_000, seed: 1, keys: 1000, rate: nil)),
                    format: .lines, header: true, delimiter: comma, schema: nil, key: nil, batchSize: 1024,
                    location: at(17, 3)),
            ],
            operators: [
                OperatorSpec(
                    name: "fingerprint",
                    kind: .function(
                        FunctionSpec(
                            library: "libz.so.1", symbol: "crc32_z", args: [.i64, .bytes], returns: .i64,
                            arguments: [.integer(0), .field("card")], output: "card_fp")),
                    config: [], parallelism: 1, location: at(22, 3)),
                OperatorSpec(
                    name: "mask", kind: .plugin(plugin: "std", operator: "mask_card"),
                    config: [
                        ConfigEntry(key: "field", value: "card", location: at(29, 22)),
                        ConfigEntry(key: "keep", value: "4", location: at(29, 34)),
                    ],
                    parallelism: 1, location: at(26, 3)),
            ],
            sinks: [
                SinkSpec(
                    name: "out", kind: .file(path: "/data/jobs/out.csv"), format: .csv, header: true, delimiter: comma,
                    fields: ["card", "amount"], location: at(32, 3)),
                SinkSpec(name: "dead", kind: .null, format: .jsonl, header: true, delimiter: comma, fields: nil, location: at(39, 3)),
            ],
            edges: [
                EdgeSpec(from: Endpoint(node: "payments", port: "out"), to: Endpoint(node: "fingerprint", port: "in"), location: at(42, 5)),
                EdgeSpec(from: Endpoint(node: "fingerprint", port: "out"), to: Endpoint(node: "mask", port: "in"), location: at(43, 5)),
                EdgeSpec(from: Endpoint(node: "mask", port: "out"), to: Endpoint(node: "out", port: "in"), location: at(44, 5)),
                EdgeSpec(from: Endpoint(node: "mask", port: "errors"), to: Endpoint(node: "dead", port: "in"), location: at(45, 5)),
                EdgeSpec(from: Endpoint(node: "gen", port: "out"), to: Endpoint(node: "dead", port: "in"), location: at(46, 5)),
            ],
            deadLetters: SinkSpec(
                name: "dead_letters", kind: .file(path: "/data/jobs/dead.jsonl"), format: .jsonl, header: true,
                delimiter: comma, fields: nil, location: at(47, 1)))
        m.stateDirectory = "/data/jobs/state"  // the default: `state` beside the manifest
        // The configurations as plugins read them whole (config_get(ctx, "")): typed JSON.
        m.plugins[1].configJSON = #"{"verbose":true}"#
        m.operators[1].configJSON = #"{"field":"card","keep":4}"#
        return m
    }()

    @Test func exampleDecodesIntoTheExactModel() throws {
        let manifest = try Manifest.parse(yaml: Self.example, file: Self.file)
        #expect(manifest.name == Self.expected.name)
        #expect(manifest.plugins == Self.expected.plugins)
        #expect(manifest.sources == Self.expected.sources)
        #expect(manifest.operators == Self.expected.operators)
        #expect(manifest.sinks == Self.expected.sinks)
        #expect(manifest.edges == Self.expected.edges)
        #expect(manifest.deadLetters == Self.expected.deadLetters)
        #expect(manifest == Self.expected)
    }

    @Test func exampleGraphQueries() throws {
        let manifest = try Manifest.parse(yaml: Self.example, file: Self.file)
        #expect(manifest.topologicalOrder() == ["payments", "gen", "fingerprint", "mask", "out", "dead"])
        #expect(manifest.role(of: "payments") == .source)
        #expect(manifest.role(of: "mask") == .operator)
        #expect(manifest.role(of: "dead") == .sink)
        #expect(manifest.role(of: "dead_letters") == nil)
        #expect(manifest.nodeNames == ["payments", "gen", "fingerprint", "mask", "out", "dead"])
        #expect(
            manifest.edges.map(\.description) == [
                "payments.out -> fingerprint.in", "fingerprint.out -> mask.in", "mask.out -> out.in", "mask.errors -> dead.in",
                "gen.out -> dead.in",
            ])
    }

    @Test func exampleWithoutDeadSinkHasTwoErrors() {
        // The first draft: no sink `dead`, and `gen` feeding nothing.
        let draft = Self.example
            .replacingOccurrences(of: "  dead:\n    type: null\n", with: "")
            .replacingOccurrences(of: "  - gen -> dead\n", with: "")
        #expect(
            ManifestCheck.errors(draft, file: Self.file) == [
                "17:3: source 'gen' is not connected to anything: add an edge 'gen -> …'",
                "43:5: edge 'mask.errors -> dead.in': no node named 'dead'",
            ])
    }

    @Test func everyErrorIsRenderedAsFileLineColumn() {
        do {
            _ = try Manifest.parse(yaml: "sources: {}\nsinks: {}\nedges: 3\nbogus: 1\n", file: "jobs/m.yaml")
            Issue.record("expected errors")
        } catch {
            #expect(
                error.description == """
                    jobs/m.yaml:1:10: error: sources must declare at least one source
                    jobs/m.yaml:2:8: error: sinks must declare at least one sink
                    jobs/m.yaml:3:8: error: edges must be a list of "FROM -> TO" strings, got '3'
                    jobs/m.yaml:4:1: error: unknown key 'bogus' in the manifest (allowed: name, plugins, stores, state_directory, sources, operators, sinks, edges, dead_letters, checkpoint, max_parallelism, application_id, kafka)
                    """)
        }
    }
}
