// ManifestTests: decoding a full manifest, every validation error at its line and column, and overrides.
import Testing

@testable import RivuletManifest

@Suite struct ManifestTests {
    static let file = "/data/jobs/m.yaml"

    func parse(_ yaml: String, _ overrides: [String] = []) throws -> Manifest {
        try Manifest.parse(yaml: yaml, file: Self.file, overrides: overrides)
    }

    /// The errors of `yaml`, as "line:column: message".
    func errors(_ yaml: String, _ overrides: [String] = []) -> [String] {
        do throws(ManifestErrors) {
            _ = try Manifest.parse(yaml: yaml, file: Self.file, overrides: overrides)
            return []
        } catch {
            return error.errors.map { e in
                guard let l = e.location else { return e.message }
                return l.file == Self.file ? "\(l.line):\(l.column): \(e.message)" : "\(l.file): \(e.message)"
            }
        }
    }

    static let valid = """
        name: card-payments
        plugins:
          std: { library: rv_std_c }
          mine: { path: ./libmine.so, config: { verbose: true } }
        sources:
          payments:
            type: file
            path: payments.csv
            delimiter: ";"
            schema:
              card: string
              amount: f64
            key: card
          gen: { type: generator, count: 1000, keys: 10, rate: 500 }
        operators:
          fingerprint:
            function: { library: libz.so.1, symbol: crc32_z, args: [i64, bytes], returns: i64 }
            arguments: [0, card]
            output: card_fp
          mask:
            plugin: std
            operator: mask
            config: { field: card, keep: 4, rates: { USD: 0.92 }, list: [a, b] }
            parallelism: 2
        sinks:
          out: { type: file, path: out/result.jsonl, fields: [card, amount] }
          gone: { type: null }
        edges:
          - payments -> fingerprint
          - fingerprint -> mask
          - mask.out -> out
          - mask.errors -> gone
          - gen -> gone
        dead_letters: { type: file, path: dead.jsonl }
        """

    @Test func decodesAFullManifest() throws {
        let m = try parse(Self.valid)
        #expect(m.name == "card-payments")
        #expect(m.directory == "/data/jobs")
        #expect(m.plugins.map(\.name) == ["std", "mine"])
        #expect(m.plugins[0].library == "rv_std_c")
        #expect(m.plugins[1].path == "/data/jobs/libmine.so")
        #expect(m.plugins[1].config.map { "\($0.key)=\($0.value)" } == ["verbose=true"])
        let payments = m.sources[0]
        #expect(payments.kind == .file(path: "/data/jobs/payments.csv"))
        #expect(payments.format == .csv)
        #expect(payments.delimiter == UInt8(ascii: ";"))
        #expect(payments.schema?.map { "\($0.name):\($0.type.rawValue)" } == ["card:string", "amount:f64"])
        #expect(payments.key == "card")
        #expect(payments.header && payments.batchSize == 1024)
        #expect(m.sources[1].kind == .generator(GeneratorSpec(count: 1000, seed: 1, keys: 10, rate: 500)))
        #expect(m.operators[0].kind == .function(FunctionSpec(
            library: "libz.so.1", symbol: "crc32_z", args: [.i64, .bytes], returns: .i64,
            arguments: [.integer(0), .field("card")], output: "card_fp")))
        #expect(m.operators[1].kind == .plugin(plugin: "std", operator: "mask"))
        #expect(m.operators[1].parallelism == 2)
        #expect(m.operators[1].config.map { "\($0.key)=\($0.value)" } == ["field=card", "keep=4", "rates.USD=0.92", "list=a,b"])
        #expect(m.sinks[0].kind == .file(path: "/data/jobs/out/result.jsonl"))
        #expect(m.sinks[0].format == .jsonl)
        #expect(m.sinks[0].fields == ["card", "amount"])
        #expect(m.sinks[1].kind == .null)
        #expect(m.edges.map { "\($0.from) -> \($0.to)" } == [
            "payments.out -> fingerprint.in", "fingerprint.out -> mask.in", "mask.out -> out.in", "mask.errors -> gone.in", "gen.out -> gone.in",
        ])
        #expect(m.edges[2].location == SourceLocation(file: Self.file, line: 31, column: 5))
        #expect(m.deadLetters?.kind == .file(path: "/data/jobs/dead.jsonl"))
        #expect(m.topologicalOrder() == ["payments", "gen", "fingerprint", "mask", "out", "gone"])
        #expect(m.role(of: "mask") == .operator)
    }

    @Test func yamlSyntaxErrorIsLocated() {
        #expect(errors("sources:\n  a: [1, 2\nsinks: {}\n") == ["3:6: invalid YAML: did not find expected ',' or ']'"])
    }

    @Test func unknownAndMissingKeys() {
        #expect(errors("""
            sources:
              s: { type: generator, count: 1, colour: red }
            sinks:
              out: { typ: null }
            edges: [s -> out]
            extra: 1
            """) == [
                "2:35: unknown key 'colour' in source 's' (allowed: type, path, format, header, delimiter, schema, key, batch_size, count, seed, keys, rate)",
                "4:8: sink 'out' needs 'type'",
                "4:10: unknown key 'typ' in sink 'out' (allowed: type, path, format, header, delimiter, fields)",
                "6:1: unknown key 'extra' in the manifest (allowed: name, plugins, sources, operators, sinks, edges, dead_letters)",
            ])
    }

    @Test func typeErrorsAndUnknownValues() {
        #expect(errors("""
            sources:
              s:
                type: file
                path: a.csv
                delimiter: ";;"
                header: maybe
                schema: { a: f65 }
            operators:
              o: { plugin: p, operator: x, parallelism: two }
            plugins:
              p: { library: lib }
            sinks:
              out: { type: file, path: o.txt, format: xml }
            edges: [s -> o, o -> out]
            """) == [
                "5:16: delimiter must be exactly one character, got ';;'",
                "6:13: header must be true or false",
                "7:18: unknown field type 'f65' (expected one of: i64, f64, bool, string, bytes, timestamp)",
                "9:45: parallelism must be a positive integer, got 'two'",
                "13:43: unknown format 'xml' (expected one of: csv, jsonl, lines)",
            ])
    }

    @Test func duplicateNamesAndUnknownPlugin() {
        #expect(errors("""
            sources:
              x: { type: generator, count: 1 }
            operators:
              x: { plugin: nope, operator: y }
            sinks:
              out: { type: null }
            edges: [x -> out]
            """) == [
                "4:3: 'x' is declared twice: as a source (line 2) and as an operator",
                "4:3: operator 'x' uses plugin 'nope', which is not declared under plugins",
            ])
    }

    @Test func edgeErrors() {
        #expect(errors("""
            sources:
              s: { type: generator, count: 1 }
            sinks:
              out: { type: null }
            edges:
              - s -> out
              - s => out
              - s -> nowhere
              - out -> s
              - s.side -> out
              - s -> out.left
              - s -> out
            """) == [
                "7:5: edge 's => out' must look like 'node -> node' or 'node.port -> node.port'",
                "8:5: edge 's.out -> nowhere.in': no node named 'nowhere'",
                "9:5: edge 'out.out -> s.in': 'out' is a sink; nothing flows out of a sink",
                "10:5: edge 's.side -> out.in': a source has one output port, 'out'",
                "11:5: edge 's.out -> out.left': a sink has one input port, 'in'",
                "12:5: duplicate edge 's.out -> out.in' (first at line 6)",
            ])
    }

    @Test func cyclesAndUnconnectedNodes() {
        #expect(errors("""
            plugins:
              p: { library: p }
            sources:
              s: { type: generator, count: 1 }
              lonely: { type: generator, count: 1 }
            operators:
              a: { plugin: p, operator: x }
              b: { plugin: p, operator: x }
              c: { plugin: p, operator: x }
            sinks:
              out: { type: null }
              idle: { type: null }
            edges:
              - s -> a
              - a -> b
              - b -> a
              - b -> out
            """) == [
                "5:3: source 'lonely' is not connected to anything (add an edge 'lonely -> …')",
                "9:3: operator 'c' has no input (add an edge '… -> c')",
                "12:3: sink 'idle' has no input (add an edge '… -> idle')",
                "16:5: cycle: a -> b -> a",
            ])
    }

    @Test func functionAndKeyErrors() {
        #expect(errors("""
            sources:
              s: { type: file, path: a.csv, schema: { a: string }, key: b }
            operators:
              f:
                function: { library: libm.so.6, symbol: pow, args: [f64, bytes], returns: bytes }
                arguments: [1.5, "x", 3]
                output: y
            sinks:
              out: { type: null }
            edges: [s -> f, f -> out]
            """) == [
                "2:61: key 'b' is not a field of the schema of 's'",
                "5:79: a function cannot return bytes; return i32, i64, f32 or f64",
                "6:16: 'f' passes 3 argument(s) but pow takes 2",
            ])
        #expect(errors("""
            sources:
              s: { type: generator, count: 1 }
            operators:
              f:
                function: { library: libm.so.6, symbol: pow, args: [f64, bytes], returns: f64 }
                arguments: [value, 2]
                output: y
            sinks:
              out: { type: null }
            edges: [s -> f, f -> out]
            """) == ["6:24: argument 2 of 'f' is bytes: it must be a field, not a literal"])
        #expect(errors("""
            sources:
              s: { type: generator, count: 1 }
            operators:
              f:
                function: { library: libm.so.6, symbol: pow, args: [f64, f64], returns: f64 }
                arguments: [value]
                output: y
            plugins:
              q: { library: a, path: b }
            sinks:
              out: { type: null }
            edges: [s -> f, f -> out]
            """) == [
                "6:16: 'f' passes 1 argument(s) but pow takes 2",
                "9:6: plugin 'q' needs exactly one of 'library' (a name found on the plugin path) and 'path'",
            ])
    }

    @Test func overridesAreAppliedBeforeValidation() throws {
        let m = try parse(Self.valid, ["sources.payments.path=/tmp/today.csv", "operators.mask.parallelism=3", "edges.4=gen -> out", "name=other"])
        #expect(m.sources[0].kind == .file(path: "/tmp/today.csv"))
        #expect(m.operators[1].parallelism == 3)
        #expect(m.edges[4].from.node == "gen" && m.edges[4].to.node == "out")
        #expect(m.name == "other")
        #expect(errors(Self.valid, ["sources.paymnts.path=x", "operators.mask.parallelism=zero", "edges.9=a -> b", "nonsense"]) == [
            "--set edges.9: 'edges' is a list of 5; '9' is not an index in it",
            "--set nonsense: an override must look like PATH=VALUE",
            "--set operators.mask.parallelism: parallelism must be a positive integer, got 'zero'",
            "--set sources.paymnts.path: no key 'paymnts' under 'sources' (have: payments, gen)",
        ])
    }

    @Test func formatsAreInferredFromExtensions() throws {
        let m = try parse("""
            sources:
              a: { type: file, path: x.jsonl, schema: { v: i64 } }
              b: { type: file, path: x.txt }
              c: { type: stdin }
            sinks:
              o1: { type: file, path: y.csv }
              o2: { type: stdout }
            edges: [a -> o1, b -> o1, c -> o2]
            """)
        #expect(m.sources.map(\.format) == [.jsonl, .lines, .lines])
        #expect(m.sinks.map(\.format) == [.csv, .jsonl])
        #expect(m.name == "m")
    }
}
