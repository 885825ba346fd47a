// DefaultsAndPathsTests: defaults, format inference, relative path resolution and number syntax.
import Testing

@testable import RivuletManifest

@Suite struct DefaultsAndPathsTests {
    @Test func formatsAreInferredFromExtensions() throws {
        let manifest = try ManifestCheck.parse(
            """
            sources:
              a: { type: file, path: x.csv }
              b: { type: file, path: x.JSONL }
              c: { type: file, path: x.ndjson }
              d: { type: file, path: x.txt }
              e: { type: file, path: data }
              f: { type: stdin }
              g: { type: file, path: x.csv, format: lines }
            sinks:
              o1: { type: file, path: y.csv }
              o2: { type: file, path: y.jsonl }
              o3: { type: file, path: y.log }
              o4: { type: stdout }
              o5: { type: stdout, format: csv }
              o6: { type: null }
            edges: [a -> o1, b -> o2, c -> o3, d -> o4, e -> o5, f -> o6, g -> o6]
            """)
        #expect(manifest.sources.map(\.format) == [.csv, .jsonl, .jsonl, .lines, .lines, .lines, .lines])
        #expect(manifest.sinks.map(\.format) == [.csv, .jsonl, .lines, .jsonl, .csv, .jsonl])
        #expect(DataFormat.inferred(fromPath: "/a/b.NDJSON") == .jsonl)
    }

    @Test func defaults() throws {
        let manifest = try ManifestCheck.parse(
            """
            sources:
              s: { type: stdin }
              g: { type: generator, count: 0 }
            operators:
              o: { plugin: p, operator: x }
            plugins:
              p: { library: p }
            sinks:
              out: { type: stdout }
            edges: [s -> o, g -> o, o -> out]
            """)
        #expect(manifest.name == "m")
        #expect(
            manifest.sources[0]
                == SourceSpec(
                    name: "s", kind: .stdin, format: .lines, header: true, delimiter: UInt8(ascii: ","),
                    schema: nil, key: nil, batchSize: 1024, location: ManifestCheck.at(2, 3)))
        #expect(manifest.sources[1].kind == .generator(GeneratorSpec(count: 0, seed: 1, keys: 100, rate: nil)))
        #expect(manifest.operators[0].parallelism == 1 && manifest.operators[0].config.isEmpty)
        #expect(
            manifest.sinks[0]
                == SinkSpec(
                    name: "out", kind: .stdout, format: .jsonl, header: true, delimiter: UInt8(ascii: ","),
                    fields: nil, location: ManifestCheck.at(9, 3)))
        #expect(manifest.deadLetters == nil)
    }

    @Test func relativePathsResolveAgainstTheManifestFolder() throws {
        let yaml = """
            plugins:
              mine: { path: ../plugins/./libmine.so }
              abs: { path: /opt/rv/libabs.so }
              named: { library: rv_std_c }
            sources:
              s: { type: file, path: in/payments.csv }
              t: { type: file, path: /var/data/t.csv }
            sinks:
              out: { type: file, path: ./out//result.csv }
            edges: [s -> out, t -> out]
            dead_letters: { type: file, path: ../dead.jsonl }
            """
        let manifest = try ManifestCheck.parse(yaml, file: "/srv/jobs/nightly/pipeline.yaml")
        #expect(manifest.file == "/srv/jobs/nightly/pipeline.yaml")
        #expect(manifest.directory == "/srv/jobs/nightly")
        #expect(manifest.name == "pipeline")
        #expect(manifest.plugins.map(\.path) == ["/srv/jobs/plugins/libmine.so", "/opt/rv/libabs.so", nil])
        #expect(manifest.plugins[2].library == "rv_std_c")
        #expect(manifest.sources.map(\.kind) == [.file(path: "/srv/jobs/nightly/in/payments.csv"), .file(path: "/var/data/t.csv")])
        #expect(manifest.sinks[0].kind == .file(path: "/srv/jobs/nightly/out/result.csv"))
        #expect(manifest.deadLetters?.kind == .file(path: "/srv/jobs/dead.jsonl"))
        #expect(manifest.deadLetters?.name == "dead_letters")
    }

    @Test func pathHelpers() {
        #expect(PathResolver.normalized("/a/./b/../c/") == "/a/c")
        #expect(PathResolver.normalized("/../x") == "/x")
        #expect(PathResolver.absolute("x.csv", relativeTo: "/") == "/x.csv")
        #expect(PathResolver.directory(of: "/m.yaml") == "/")
        #expect(PathResolver.baseName("/a/card.payments.yaml") == "card.payments")
        #expect(PathResolver.baseName("/a/.hidden") == ".hidden")
        #expect(PathResolver.baseName("/a/noext") == "noext")
    }

    @Test func numberSyntax() {
        #expect(NumberSyntax.integer("1_000_000") == 1_000_000)
        #expect(NumberSyntax.integer("+7") == 7)
        #expect(NumberSyntax.integer("-12") == -12)
        #expect(NumberSyntax.integer("0x1F") == 31)
        #expect(NumberSyntax.integer("0o17") == 15)
        #expect(NumberSyntax.integer("0x-1") == nil)
        #expect(NumberSyntax.integer("1.5") == nil)
        #expect(NumberSyntax.integer("_1") == nil)
        #expect(NumberSyntax.integer("") == nil)
        #expect(NumberSyntax.integer("99999999999999999999") == nil)
        #expect(NumberSyntax.unsigned("18446744073709551615") == UInt64.max)
        #expect(NumberSyntax.unsigned("-1") == nil)
        #expect(NumberSyntax.double("0.92") == 0.92)
        #expect(NumberSyntax.double("-1.5e3") == -1500)
        #expect(NumberSyntax.double(".5") == 0.5)
        #expect(NumberSyntax.double(".inf") == .infinity)
        #expect(NumberSyntax.double("inf") == nil)
        #expect(NumberSyntax.double("nan") == nil)
        #expect(NumberSyntax.double("card") == nil)
        #expect(NumberSyntax.bool("True") == true)
        #expect(NumberSyntax.bool("no") == nil)
    }

    @Test func generatorAcceptsLargeSeedsAndFractionalRates() throws {
        let manifest = try ManifestCheck.parse(
            """
            sources: { g: { type: generator, count: 1_000, seed: 18446744073709551615, keys: 0x10, rate: 0.5 } }
            sinks: { out: { type: null } }
            edges: [g -> out]
            """)
        #expect(manifest.sources[0].kind == .generator(GeneratorSpec(count: 1000, seed: .max, keys: 16, rate: 0.5)))
        #expect(
            ManifestCheck.errors(
                """
                sources: { g: { type: generator, count: 1, rate: .inf } }
                sinks: { out: { type: null } }
                edges: [g -> out]
                """) == ["1:50: rate must be a number from 0.001 to 1_000_000_000, got '.inf'"])
    }

    @Test func nullSinkAcceptsEverySinkKey() throws {
        // So that `--set sinks.out.type=null` switches any sink off.
        let manifest = try ManifestCheck.parse(
            """
            sources: { s: { type: stdin } }
            sinks: { out: { type: file, path: out.csv, header: false, fields: [a] } }
            edges: [s -> out]
            """, ["sinks.out.type=null"])
        #expect(manifest.sinks[0].kind == .null)
    }
}
