// StructureErrorTests: YAML syntax, the top level, unknown and missing keys, wrong types and values.
import Testing

@testable import RivuletManifest

@Suite struct StructureErrorTests {
    func errors(_ yaml: String) -> [String] { ManifestCheck.errors(yaml) }

    @Test func yamlSyntaxErrorIsLocatedWhereTheMistakeIs() {
        #expect(
            errors("sources:\n  a: [1, 2\nsinks: {}\n") == [
                "2:11: invalid YAML: the '[' opened at line 2, column 6 is not closed: add ']' here"
            ])
        #expect(
            errors("sources:\n  a: 1\n b: 2\n") == [
                "3:2: invalid YAML: this line is indented to column 2, which lines it up with no mapping above it: indent it like the keys it belongs with"
            ])
    }

    @Test func keyWrittenTwiceIsAYamlError() {
        #expect(
            errors("sources:\n  x: { type: stdin }\n  x: { type: stdin }\nsinks: { o: { type: stdout } }\nedges: [x -> o]\n") == [
                "3:3: invalid YAML: key 'x' written twice in the same mapping (first at line 2): remove one"
            ])
    }

    @Test func topLevelMustBeANonEmptyMapping() {
        #expect(
            errors("- a\n- b\n") == [
                "1:1: the manifest must be a mapping with the keys name, plugins, stores, state_directory, sources, operators, sinks, edges, dead_letters, checkpoint, max_parallelism, application_id, kafka, got a list"
            ])
        #expect(
            errors("just text\n") == [
                "1:1: the manifest must be a mapping with the keys name, plugins, stores, state_directory, sources, operators, sinks, edges, dead_letters, checkpoint, max_parallelism, application_id, kafka, got 'just text'"
            ])
        #expect(errors("") == ["1:1: the manifest is empty"])
        #expect(errors("# only a comment\n") == ["1:1: the manifest is empty"])
    }

    @Test func unknownKeysAtEveryLevelAndMissingRequiredKeys() {
        #expect(
            errors(
                """
                plugins:
                  p: { library: x, licence: abc }
                sources:
                  s: { type: generator, count: 1, colour: red }
                  f: { type: file, schema: { a: i64 } }
                operators:
                  o:
                    plugin: p
                    operator: x
                    threads: 2
                  g:
                    function: { library: l, symbol: s, args: [], returns: i64, variadic: true }
                    arguments: []
                    output: y
                sinks:
                  out: { typ: null }
                edges: [s -> o, f -> o, o -> out, s -> g]
                extra: 1
                """) == [
                    "2:20: unknown key 'licence' in plugin 'p' (allowed: library, path, config)",
                    "4:35: unknown key 'colour' in source 's' (allowed: type, count, seed, keys, rate, time, batch_size)",
                    "5:6: missing required key 'path' in source 'f'",
                    "10:5: unknown key 'threads' in operator 'o' (allowed: plugin, operator, config, stores, parallelism, chain)",
                    "12:64: unknown key 'variadic' in the function of operator 'g' (allowed: library, symbol, args, returns)",
                    "16:8: missing required key 'type' in sink 'out'",
                    "16:10: unknown key 'typ' in sink 'out' (allowed: type, path, format, header, delimiter, fields, ops, ordered, topic, bootstrap_servers, key, header_fields, properties, timestamps, decimals); did you mean 'type'?",
                    "18:1: unknown key 'extra' in the manifest (allowed: name, plugins, stores, state_directory, sources, operators, sinks, edges, dead_letters, checkpoint, max_parallelism, application_id, kafka)",
                ])
    }

    @Test func missingSectionsAreReportedAtTheTopLevel() {
        #expect(
            errors("name: x\n") == [
                "1:1: missing required key 'sources' in the manifest",
                "1:1: missing required key 'sinks' in the manifest",
                "1:1: missing required key 'edges' in the manifest",
            ])
    }

    @Test func keysThatBelongToAnotherTypeAreNamedAsSuch() {
        #expect(
            errors(
                """
                sources:
                  g: { type: generator, count: 5, path: x.csv }
                  i: { type: stdin, count: 5 }
                operators:
                  f:
                    function: { library: l, symbol: s, args: [], returns: i64 }
                    arguments: []
                    output: y
                    config: { a: 1 }
                  p: { plugin: q, operator: x, output: y }
                plugins:
                  q: { library: q }
                sinks:
                  out: { type: stdout, path: o.txt }
                edges: [g -> f, i -> p, f -> out, p -> out]
                """) == [
                    "2:35: key 'path' does not apply to a generator source (allowed: type, count, seed, keys, rate, time, batch_size)",
                    "3:21: key 'count' does not apply to a stdin source (allowed: type, format, header, delimiter, schema, key, time, batch_size)",
                    "9:5: key 'config' does not apply to a function operator (allowed: function, arguments, output, parallelism, chain)",
                    "10:32: key 'output' does not apply to a plugin operator (allowed: plugin, operator, config, stores, parallelism, chain)",
                    "14:24: key 'path' does not apply to a stdout sink (allowed: type, format, header, delimiter, fields, ops, ordered, timestamps, decimals)",
                ])
    }

    @Test func wrongTypesAndUnknownValues() {
        #expect(
            errors(
                """
                sources:
                  s:
                    type: file
                    path: a.csv
                    delimiter: ";;"
                    header: maybe
                    schema: { a: f65, b: i64 }
                    batch_size: 0
                  g: { type: generator, count: -1, seed: -3, keys: 0, rate: fast }
                  t: { type: socket }
                operators:
                  o: { plugin: p, operator: x, parallelism: two }
                  f:
                    function: { library: l, symbol: s, args: [u8, i64], returns: f128 }
                    arguments: [1, 2]
                    output: [y]
                plugins:
                  p: { library: lib }
                sinks:
                  out: { type: file, path: o.txt, format: xml, header: 1, fields: card }
                edges: [s -> o, g -> o, t -> f, o -> out, f -> out]
                """) == [
                    "5:16: delimiter must be exactly one character, got ';;'",
                    "6:13: header must be true or false, got 'maybe'",
                    "7:18: unknown field type 'f65' for field 'a' (expected one of: i64, f64, bool, string, bytes, timestamp); did you mean 'f64'?",
                    "8:17: batch_size must be an integer from 1 to 65536, got '0'",
                    "9:32: count must be an integer from 0 to 1_000_000_000_000_000, got '-1'",
                    "9:42: seed must be an integer from 0 to 18446744073709551615, got '-3'",
                    "9:52: keys must be an integer from 1 to 1_000_000, got '0'",
                    "9:61: rate must be a number from 0.001 to 1_000_000_000, got 'fast'",
                    "10:14: unknown source type 'socket' (expected one of: file, stdin, generator, kafka)",
                    "12:45: parallelism must be an integer from 1 to 256, got 'two'",
                    "14:47: unknown FFI type 'u8' (expected one of: i32, i64, f32, f64, bytes)",
                    "14:66: unknown FFI type 'f128' (expected one of: i32, i64, f32, f64, bytes)",
                    "16:13: output must be a string, got a list",
                    "20:43: unknown format 'xml' (expected one of: csv, jsonl, lines)",
                    "20:56: header must be true or false, got '1'",
                    "20:67: fields must be a non-empty list, got 'card'",
                ])
    }

    @Test func delimiterMustBeOneSingleByteCharacterThatIsNotAQuote() throws {
        let yaml = { (delimiter: String) in
            "sources:\n  s: { type: stdin, format: csv, delimiter: \(delimiter) }\nsinks: { o: { type: stdout } }\nedges: [s -> o]\n"
        }
        #expect(errors(yaml("\"§\"")) == ["2:45: delimiter must be exactly one character, got '§'"])
        #expect(errors(yaml("''")) == ["2:45: delimiter must be a string, got ''"])
        #expect(errors(yaml("'\"'")) == ["2:45: delimiter cannot be a quote or a line break"])
        #expect(try ManifestCheck.parse(yaml("\"\\t\"")).sources[0].delimiter == UInt8(ascii: "\t"))
        #expect(try ManifestCheck.parse(yaml("\";\"")).sources[0].delimiter == UInt8(ascii: ";"))
    }

    @Test func sectionsMustBeMappingsOfNodes() {
        #expect(
            errors("sources: [a, b]\nsinks:\n  out: file\nedges: {}\n") == [
                "1:10: sources must be a mapping of names to definitions, got a list",
                "3:8: sink 'out' must be a mapping, got 'file'",
                "4:8: edges must be a list of \"FROM -> TO\" strings, got a mapping",
            ])
        #expect(
            errors("sources:\nsinks: { o: { type: stdout } }\nedges: []\n") == [
                "1:9: sources must be a mapping of names to definitions, got nothing",
                "2:10: sink 'o' has no input: add an edge '… -> o'",
            ])
    }

    @Test func nodeNamesMustBeUsableInEdges() {
        #expect(
            errors("sources:\n  a.b: { type: stdin }\nsinks:\n  o: { type: stdout }\nedges: [a.b -> o]\n") == [
                "2:3: source name 'a.b' is not valid: use letters, digits, '_' and '-'",
                "5:9: edge 'a.b -> o.in': no node named 'a'",
            ])
    }

    @Test func schemaAndConfigShapes() {
        #expect(
            errors(
                """
                plugins:
                  p: { library: p, config: [a, b] }
                sources:
                  s: { type: stdin, schema: {} }
                operators:
                  o: { plugin: p, operator: x, config: { list: [a, { b: 1 }], "": 2 } }
                sinks:
                  out: { type: stdout }
                edges: [s -> o, o -> out]
                """) == [
                    "2:28: config must be a mapping, got a list",
                    "4:29: schema must be a mapping of field names to types, got an empty mapping",
                    "6:63: config keys must not be empty",
                ])
    }
}
