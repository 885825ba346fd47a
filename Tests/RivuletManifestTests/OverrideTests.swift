// OverrideTests: `--set path=value` applied to the YAML tree before validation, and its errors.
import Testing

@testable import RivuletManifest

@Suite struct OverrideTests {
    static let base = """
        plugins:
          std: { library: rv_std_c }
        sources:
          payments: { type: file, path: payments.csv, schema: { card: string, amount: f64 } }
          gen: { type: generator, count: 10 }
        operators:
          mask: { plugin: std, operator: mask, config: { keep: 4 } }
        sinks:
          out: { type: file, path: out.csv }
          rest: { type: null }
        edges:
          - payments -> mask
          - mask -> out
          - gen -> rest
        """

    func parse(_ overrides: [String]) throws -> Manifest { try ManifestCheck.parse(Self.base, overrides) }
    func errors(_ overrides: [String]) -> [String] { ManifestCheck.errors(Self.base, overrides) }

    @Test func overridesReplaceValues() throws {
        let manifest = try parse([
            "sources.payments.path=/data/today.csv", "operators.mask.parallelism=2", "edges.3=gen -> out", "name=nightly",
        ])
        #expect(manifest.sources[0].kind == .file(path: "/data/today.csv"))
        #expect(manifest.operators[0].parallelism == 2)
        #expect(manifest.edges[3].description == "gen.out -> out.in")
        #expect(manifest.edges[3].location == OverrideApplier.location("edges.3"))
        #expect(manifest.name == "nightly")
        // `rest` lost its only edge: the override is validated like the file.
        #expect(errors(["edges.2=gen -> out"]) == ["10:3: sink 'rest' has no input: add an edge '… -> rest'"])
    }

    @Test func valuesAreTypedAsYamlScalars() throws {
        let manifest = try parse([
            "sources.gen.count=1_000", "sources.gen.rate=2.5", "operators.mask.config.keep=6", "operators.mask.config.mode=strict",
            "sources.payments.header=false", "sources.payments.delimiter=;",
        ])
        #expect(manifest.sources[1].kind == .generator(GeneratorSpec(count: 1000, seed: 1, keys: 100, rate: 2.5)))
        #expect(manifest.operators[0].config.map { "\($0.key)=\($0.value)" } == ["keep=6", "mode=strict"])
        #expect(manifest.sources[0].header == false)
        #expect(manifest.sources[0].delimiter == UInt8(ascii: ";"))
        // A number stays a number, and a word where a number belongs is an error located at the override.
        #expect(
            errors(["operators.mask.parallelism=two", "sources.gen.count=-1"]) == [
                "--set operators.mask.parallelism: parallelism must be an integer from 1 to 256, got 'two'",
                "--set sources.gen.count: count must be an integer from 0 to 1_000_000_000_000_000, got '-1'",
            ])
    }

    @Test func quotedAndFlowValues() throws {
        let manifest = try parse(["sinks.out.fields=[card, amount]", "name='007'", "sources.gen.keys=\"12\""])
        #expect(manifest.sinks[0].fields == ["card", "amount"])
        #expect(manifest.name == "007")
        guard case .generator(let generator) = manifest.sources[1].kind else {
            Issue.record("gen is not a generator")
            return
        }
        #expect(generator.keys == 12)
        #expect(
            errors(["sinks.out.fields=[card, "]) == [
                "--set sinks.out.fields:2:1: invalid YAML: did not find expected node content (while parsing a flow node at line 2, column 1)"
            ])
    }

    @Test func addingKeysAndEdges() throws {
        let manifest = try parse(["sinks.out.format=jsonl", "edges.3=gen -> out", "operators.mask.config.rate=0.9"])
        #expect(manifest.sinks[0].format == .jsonl)
        #expect(manifest.edges.count == 4)
        #expect(manifest.operators[0].config.map(\.key) == ["keep", "rate"])
        // Only the last key may be new.
        #expect(
            errors(["operators.mask.config.rates.USD=0.9"]) == [
                "--set operators.mask.config.rates.USD: no key 'rates' under 'operators.mask.config' (have: keep)"
            ])
    }

    @Test func badPathsAreNamedAndLocatedAtTheOverride() {
        #expect(
            errors(["sources.paymnts.path=/data/x.csv"]) == [
                "--set sources.paymnts.path: no key 'paymnts' under 'sources' (have: payments, gen)"
            ])
        #expect(
            errors(["sourcs.payments.path=x"]) == [
                "--set sourcs.payments.path: no key 'sourcs' at the top level (have: plugins, sources, operators, sinks, edges)"
            ])
        #expect(
            errors(["edges.7=a -> b", "edges.first=a -> b"]) == [
                "--set edges.7: no item '7' under 'edges': 'edges' is a list of 3 (use 0...2, or 3 to add one)",
                "--set edges.first: no item 'first' under 'edges': 'edges' is a list of 3 (use 0...2, or 3 to add one)",
            ])
        #expect(
            errors(["sources.gen.type.kind=x"]) == [
                "--set sources.gen.type.kind: 'sources.gen.type' is a single value, so it has no key 'kind'"
            ])
        #expect(
            errors(["sources..path=x", "=x"]) == [
                "--set sources..path: 'sources..path' is not a dotted path of keys (e.g. operators.mask.parallelism)",
                "--set : '' is not a dotted path of keys (e.g. operators.mask.parallelism)",
            ])
    }

    @Test func overrideWithoutEqualsIsAnError() {
        #expect(
            errors(["operators.mask.parallelism"]) == [
                "--set operators.mask.parallelism: an override must look like PATH=VALUE (e.g. sources.in.path=data.csv), got 'operators.mask.parallelism'"
            ])
    }

    @Test func overrideErrorsComeFirstInTheOrderGivenThenFileErrors() {
        #expect(
            ManifestCheck.errors(Self.base + "\nbogus: 1\n", ["nonsense", "sources.gen.count=x", "a.b=c"]) == [
                "--set nonsense: an override must look like PATH=VALUE (e.g. sources.in.path=data.csv), got 'nonsense'",
                "--set sources.gen.count: count must be an integer from 0 to 1_000_000_000_000_000, got 'x'",
                "--set a.b: no key 'a' at the top level (have: plugins, sources, operators, sinks, edges, bogus)",
                "15:1: unknown key 'bogus' in the manifest (allowed: name, plugins, stores, state_directory, sources, operators, sinks, edges, dead_letters, checkpoint, max_parallelism, application_id, kafka)",
            ])
    }

    @Test func laterOverridesSeeEarlierOnes() throws {
        let manifest = try parse(["sinks.extra={ type: stdout }", "edges.3=mask.errors -> extra", "sinks.extra.format=csv"])
        #expect(manifest.sinks.map(\.name) == ["out", "rest", "extra"])
        #expect(manifest.sinks[2].kind == .stdout && manifest.sinks[2].format == .csv)
        #expect(manifest.sinks[2].location == OverrideApplier.location("sinks.extra"))
    }
}
