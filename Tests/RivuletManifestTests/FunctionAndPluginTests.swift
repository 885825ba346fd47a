// FunctionAndPluginTests: FFI operators (types, argument counts, literals), record keys, plugin sources.
import Testing

@testable import RivuletManifest

@Suite struct FunctionAndPluginTests {
    func errors(_ yaml: String) -> [String] { ManifestCheck.errors(yaml) }

    /// A topology around one function operator `f`, its function and arguments given.
    func functionManifest(_ function: String, _ arguments: String) -> String {
        """
        sources:
          s: { type: stdin, format: jsonl, schema: { value: f64, name: bytes } }
        operators:
          f:
            function: \(function)
            arguments: \(arguments)
            output: y
        sinks:
          out: { type: stdout }
        edges: [s -> f, f -> out]
        """
    }

    @Test func argumentsAreFieldsOrLiterals() throws {
        let manifest = try ManifestCheck.parse(
            functionManifest(
                "{ library: libm.so.6, symbol: fma, args: [f64, f64, i64, i32, f64, bytes], returns: f64 }",
                "[value, 2.5, -3, 0x10, '7', name]"))
        guard case .function(let f) = manifest.operators[0].kind else {
            Issue.record("not a function operator")
            return
        }
        #expect(
            f
                == FunctionSpec(
                    library: "libm.so.6", symbol: "fma", args: [.f64, .f64, .i64, .i32, .f64, .bytes], returns: .f64,
                    arguments: [.field("value"), .double(2.5), .integer(-3), .integer(16), .field("7"), .field("name")],
                    output: "y"))
        #expect(manifest.operators[0].config.isEmpty)
        #expect(manifest.operators[0].parallelism == 1)
    }

    @Test func argumentCountMustMatchArgs() {
        #expect(
            errors(functionManifest("{ library: libm.so.6, symbol: pow, args: [f64, f64], returns: f64 }", "[value]")) == [
                "6:16: operator 'f' passes 1 argument but pow takes 2 (args: [f64, f64])"
            ])
        #expect(
            errors(functionManifest("{ library: libm.so.6, symbol: sqrt, args: [f64], returns: f64 }", "[value, 1, 2]")) == [
                "6:16: operator 'f' passes 3 arguments but sqrt takes 1 (args: [f64])"
            ])
    }

    @Test func bytesArgumentMustBeAField() {
        #expect(
            errors(functionManifest("{ library: libz.so.1, symbol: crc32_z, args: [i64, bytes], returns: i64 }", "[0, 12]")) == [
                "6:20: argument 2 of operator 'f' is bytes, so it must be a field name, not the literal 12"
            ])
    }

    @Test func functionCannotReturnBytes() {
        #expect(
            errors(functionManifest("{ library: l, symbol: s, args: [bytes], returns: bytes }", "[name]")) == [
                "5:64: a function cannot return bytes; return i32, i64, f32 or f64"
            ])
    }

    @Test func functionOperatorNeedsItsParts() {
        #expect(
            errors(
                """
                sources: { s: { type: stdin } }
                operators:
                  f:
                    function: { library: l, args: i64 }
                  g:
                    function: { library: l, symbol: s, args: [], returns: i64 }
                    arguments: 5
                    output: y
                sinks: { out: { type: stdout } }
                edges: [s -> f, s -> g, f -> out, g -> out]
                """) == [
                    "4:5: missing required key 'arguments' in operator 'f'",
                    "4:5: missing required key 'output' in operator 'f'",
                    "4:15: missing required key 'symbol' in the function of operator 'f'",
                    "4:15: missing required key 'returns' in the function of operator 'f'",
                    "4:35: args must be a list of FFI types (i32, i64, f32, f64, bytes), got 'i64'",
                    "7:16: arguments must be a list of field names and numbers, got '5'",
                ])
    }

    @Test func pluginOperatorNeedsBothParts() {
        #expect(
            errors(
                """
                plugins: { p: { library: p } }
                sources: { s: { type: stdin } }
                operators:
                  a: { plugin: p }
                  b: { operator: x, config: { k: v } }
                  c: { plugin: p, operator: x, function: { library: l, symbol: s, args: [], returns: i64 } }
                  d: { parallelism: 2 }
                sinks: { out: { type: stdout } }
                edges: [s -> a, s -> b, s -> c, s -> d, a -> out]
                """) == [
                    "4:6: missing required key 'operator' in operator 'a'",
                    "5:6: missing required key 'plugin' in operator 'b'",
                    "6:6: operator 'c' has both 'function' and 'plugin'/'operator': an operator is either plugin + operator, or function + arguments + output",
                    "7:6: operator 'd' needs either 'plugin' and 'operator', 'function', 'arguments' and 'output', or 'window' and 'aggregates'",
                ])
    }

    @Test func keyMustBeInTheSchema() {
        #expect(
            errors(
                """
                sources:
                  s: { type: file, path: a.csv, schema: { a: string, b: i64 }, key: c }
                  t: { type: file, path: b.csv, key: anything }
                sinks: { out: { type: stdout } }
                edges: [s -> out, t -> out]
                """) == ["2:69: key 'c' is not a field of the schema of source 's' (fields: a, b)"])
    }

    @Test func pluginNeedsExactlyOneOfLibraryAndPath() {
        #expect(
            errors(
                """
                plugins:
                  both: { library: a, path: b }
                  neither: { config: { x: 1 } }
                  wrong: [a]
                sources: { s: { type: stdin } }
                sinks: { out: { type: stdout } }
                edges: [s -> out]
                """) == [
                    "2:9: plugin 'both' has both 'library' and 'path': give exactly one",
                    "3:12: plugin 'neither' needs exactly one of 'library' (a name found on the plugin search path) and 'path'",
                    "4:10: plugin 'wrong' must be a mapping, got a list",
                ])
    }

    @Test func configIsFlattenedInOrderWithLocations() throws {
        let manifest = try ManifestCheck.parse(
            """
            plugins:
              p:
                library: p
                config: { licence: abc, retries: 3 }
            sources: { s: { type: stdin } }
            operators:
              o:
                plugin: p
                operator: convert
                config:
                  field: amount
                  keep: 4
                  ratio: 0.92
                  strict: true
                  currencies: [EUR, USD, "GBP"]
                  rates: { USD: 1.0, nested: { deep: x } }
                  empty: ""
                  quoted: "a, b"
                  routes: [{ to: a, min: 1 }, [x, "7"]]
            sinks: { out: { type: stdout } }
            edges: [s -> o, o -> out]
            """)
        #expect(manifest.plugins[0].config.map { "\($0.key)=\($0.value)" } == ["licence=abc", "retries=3"])
        #expect(
            manifest.operators[0].config == [
                ConfigEntry(key: "field", value: "amount", location: ManifestCheck.at(11, 14)),
                ConfigEntry(key: "keep", value: "4", location: ManifestCheck.at(12, 13)),
                ConfigEntry(key: "ratio", value: "0.92", location: ManifestCheck.at(13, 14)),
                ConfigEntry(key: "strict", value: "true", location: ManifestCheck.at(14, 15)),
                ConfigEntry(key: "currencies", value: "EUR,USD,GBP", location: ManifestCheck.at(15, 19)),
                ConfigEntry(key: "rates.USD", value: "1.0", location: ManifestCheck.at(16, 21)),
                ConfigEntry(key: "rates.nested.deep", value: "x", location: ManifestCheck.at(16, 42)),
                ConfigEntry(key: "empty", value: "", location: ManifestCheck.at(17, 14)),
                ConfigEntry(key: "quoted", value: "a, b", location: ManifestCheck.at(18, 15)),
                ConfigEntry(key: "routes.0.to", value: "a", location: ManifestCheck.at(19, 22)),
                ConfigEntry(key: "routes.0.min", value: "1", location: ManifestCheck.at(19, 30)),
                ConfigEntry(key: "routes.1", value: "x,7", location: ManifestCheck.at(19, 35)),
            ])
        // The structure, whole: what plugins read with config_get(ctx, "") (plain scalars typed, quoted ones strings).
        #expect(
            manifest.operators[0].configJSON == #"{"field":"amount","keep":4,"ratio":0.92,"strict":true,"currencies":["EUR","USD","GBP"],"#
                + #""rates":{"USD":1.0,"nested":{"deep":"x"}},"empty":"","quoted":"a, b","routes":[{"to":"a","min":1},["x","7"]]}"#)
        #expect(manifest.plugins[0].configJSON == #"{"licence":"abc","retries":3}"#)
    }
}
