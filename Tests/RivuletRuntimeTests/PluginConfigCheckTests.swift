// PluginConfigCheckTests: a plugin operator's config against the keys it declares — unknown keys and mistyped values refused at validate, with a did-you-mean.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct PluginConfigCheckTests {
    static func manifest(_ config: String) -> String {
        """
        plugins:
          c: { library: rv_std_c }
        sources:
          s: { type: file, path: in.csv, schema: { card: string } }
        operators:
          m: { plugin: c, operator: mask, config: \(config) }
        sinks:
          out: { type: file, path: out.csv }
        edges: [s -> m, m -> out]
        """
    }

    /// `kep: 2` for `keep` used to be ignored (every digit but the default 4 masked): now `validate` exits
    /// 2 naming the line, the keys the operator takes and the closest one.
    @Test func anUndeclaredKeyIsRefusedWithTheClosestDeclaredOne() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-config-keys")
        Fixtures.write(Self.manifest("{ field: card, kep: 2 }"), to: folder + "/m.yaml")
        Fixtures.write("card\n4111111111111111\n", to: folder + "/in.csv")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "m.yaml:6:63: error: operator 'm' (mask) has no config key 'kep' (it takes: field, keep, luhn); did you mean 'keep'?"),
            "\(result.stderr)")
    }

    /// A value that does not read as the declared type is refused at its line; a well-typed config plans.
    @Test func aValueMustReadAsTheDeclaredType() throws {
        let t = TopologyRunner()
        t.write("in.csv", "card\n4111111111111111\n")
        #expect {
            try t.plan(Self.manifest("{ field: card, keep: two }"))
        } throws: { "\($0)".contains("6:64: error: operator 'm' (mask): config 'keep' must be an integer (i64), got 'two'") }
        #expect {
            try t.plan(Self.manifest("{ field: card, luhn: yes }"))
        } throws: { "\($0)".contains("operator 'm' (mask): config 'luhn' must be true or false (bool), got 'yes'") }
        _ = try t.run(Self.manifest("{ field: card, keep: 2, luhn: true }"))
        #expect(t.read("out.csv") == "card\n**************11\n")
    }
}
