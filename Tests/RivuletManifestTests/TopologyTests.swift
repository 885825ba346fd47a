// TopologyTests: node roles and the deterministic upstream-first order of nodes.
import Testing

@testable import RivuletManifest

@Suite struct TopologyTests {
    @Test func topologicalOrderPutsSourcesFirstAndFollowsDeclarationOrder() throws {
        let manifest = try ManifestCheck.parse(
            """
            plugins: { p: { library: p } }
            sources:
              late: { type: stdin }
              early: { type: generator, count: 1 }
            operators:
              join: { plugin: p, operator: join }
              enrich: { plugin: p, operator: enrich }
              clean: { plugin: p, operator: clean }
            sinks:
              audit: { type: null }
              out: { type: stdout }
            edges:
              - enrich -> join.right
              - clean -> join.left
              - late -> clean
              - early -> enrich
              - join -> out
              - clean.errors -> audit
            """)
        #expect(manifest.topologicalOrder() == ["late", "early", "enrich", "clean", "join", "audit", "out"])
        #expect(manifest.edges[0].to == Endpoint(node: "join", port: "right"))
        #expect(manifest.edges[5].from == Endpoint(node: "clean", port: "errors"))
    }

    @Test func orderIsUpstreamFirstEvenWhenDeclaredLater() throws {
        let manifest = try ManifestCheck.parse(
            """
            plugins: { p: { library: p } }
            sources: { s: { type: stdin } }
            operators:
              third: { plugin: p, operator: x }
              second: { plugin: p, operator: x }
              first: { plugin: p, operator: x }
            sinks: { out: { type: stdout } }
            edges: [second -> third, s -> first, first -> second, third -> out]
            """)
        #expect(manifest.topologicalOrder() == ["s", "first", "second", "third", "out"])
    }

    @Test func roleOfEachNode() throws {
        let manifest = try ManifestCheck.parse(
            """
            plugins: { p: { library: p } }
            sources: { s: { type: stdin } }
            operators: { o: { plugin: p, operator: x } }
            sinks: { k: { type: stdout } }
            edges: [s -> o, o -> k]
            """)
        #expect(manifest.role(of: "s") == .source)
        #expect(manifest.role(of: "o") == .operator)
        #expect(manifest.role(of: "k") == .sink)
        #expect(manifest.role(of: "p") == nil)
        #expect(NodeRole.operator.description == "operator")
    }

    @Test func cycleDetectionMessage() {
        #expect(
            ManifestCheck.errors(
                """
                plugins: { p: { library: p } }
                sources: { s: { type: stdin } }
                operators: { a: { plugin: p, operator: x }, b: { plugin: p, operator: x } }
                sinks: { k: { type: stdout } }
                edges: [s -> a, a -> b, b.retry -> a, b -> k]
                """) == ["5:25: cycle: a -> b -> a"])
    }

    @Test func handBuiltManifestWithACycleLeavesTheCycleOut() {
        let here = RivuletManifest.SourceLocation(file: "x", line: 1, column: 1)
        let edge = { (from: String, to: String) in
            EdgeSpec(from: Endpoint(node: from, port: "out"), to: Endpoint(node: to, port: "in"), location: here)
        }
        let manifest = Manifest(
            name: "x", file: "/x.yaml", directory: "/",
            sources: [SourceSpec(name: "s", kind: .stdin, format: .lines, location: here)],
            operators: [
                OperatorSpec(name: "a", kind: .plugin(plugin: "p", operator: "x"), location: here),
                OperatorSpec(name: "b", kind: .plugin(plugin: "p", operator: "x"), location: here),
            ],
            sinks: [SinkSpec(name: "k", kind: .stdout, format: .jsonl, location: here)],
            edges: [edge("s", "a"), edge("a", "b"), edge("b", "a"), edge("s", "k")])
        #expect(manifest.topologicalOrder() == ["s", "k"])
    }
}
