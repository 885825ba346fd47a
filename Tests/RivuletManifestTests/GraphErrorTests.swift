// GraphErrorTests: node names, plugin references, edges, cycles and unconnected nodes, each located.
import Testing

@testable import RivuletManifest

@Suite struct GraphErrorTests {
    func errors(_ yaml: String) -> [String] { ManifestCheck.errors(yaml) }

    @Test func namesAreUniqueAcrossSections() {
        #expect(
            errors(
                """
                sources:
                  x: { type: generator, count: 1 }
                operators:
                  x: { plugin: p, operator: y }
                plugins:
                  p: { library: p }
                sinks:
                  out: { type: null }
                  x: { type: stdout }
                edges: [x -> out]
                """) == [
                    "4:3: 'x' is declared twice: as a source (line 2) and as an operator",
                    "9:3: 'x' is declared twice: as a source (line 2) and as a sink",
                ])
    }

    @Test func operatorPluginMustBeDeclared() {
        #expect(
            errors(
                """
                plugins:
                  std: { library: rv_std_c }
                  mine: { path: ./libmine.so }
                sources:
                  s: { type: generator, count: 1 }
                operators:
                  o: { plugin: nope, operator: y }
                sinks:
                  out: { type: null }
                edges: [s -> o, o -> out]
                """) == ["7:16: operator 'o' uses plugin 'nope', which is not declared under plugins (declared: std, mine)"])
        #expect(
            errors(
                """
                sources: { s: { type: stdin } }
                operators: { o: { plugin: std, operator: y } }
                sinks: { out: { type: stdout } }
                edges: [s -> o, o -> out]
                """) == ["2:27: operator 'o' uses plugin 'std', which is not declared under plugins (none is declared)"])
    }

    @Test func edgeErrors() {
        #expect(
            errors(
                """
                sources:
                  s: { type: generator, count: 1 }
                operators:
                  o: { plugin: p, operator: x }
                plugins:
                  p: { library: p }
                sinks:
                  out: { type: null }
                edges:
                  - s -> o
                  - o -> out
                  - s => out
                  - s -> o -> out
                  - s. -> out
                  - { s: out }
                  - s -> nowhere
                  - ghost -> void
                  - out -> o
                  - o -> s
                  - s.side -> o
                  - o -> out.left
                  - o.out -> out
                  - o.rejected -> out
                  - o.errors -> o.retry
                  - o -> dead_letters
                """) == [
                    "12:5: malformed edge 's => out': write 'FROM -> TO', where each end is 'node' or 'node.port'",
                    "13:5: malformed edge 's -> o -> out': write 'FROM -> TO', where each end is 'node' or 'node.port'",
                    "14:5: malformed edge 's. -> out': write 'FROM -> TO', where each end is 'node' or 'node.port'",
                    "15:5: an edge must be a string \"FROM -> TO\", got a mapping",
                    "16:5: edge 's.out -> nowhere.in': no node named 'nowhere'",
                    "17:5: edge 'ghost.out -> void.in': no node named 'ghost'",
                    "17:5: edge 'ghost.out -> void.in': no node named 'void'",
                    "18:5: edge 'out.out -> o.in': 'out' is a sink; nothing flows out of a sink",
                    "19:5: edge 'o.out -> s.in': 's' is a source; nothing flows into a source",
                    "20:5: edge 's.side -> o.in': a source has only the output port 'out'",
                    "21:5: edge 'o.out -> out.left': a sink has only the input port 'in'",
                    "22:5: duplicate edge 'o.out -> out.in' (first at line 11)",
                    "24:5: cycle: o -> o",
                    "25:5: edge 'o.out -> dead_letters.in': no node named 'dead_letters' (dead_letters is not a node: failed records go there without an edge)",
                ])
    }

    @Test func cycleIsReportedAtTheEdgeThatClosesIt() {
        #expect(
            errors(
                """
                plugins:
                  p: { library: p }
                sources:
                  s: { type: generator, count: 1 }
                operators:
                  a: { plugin: p, operator: x }
                  b: { plugin: p, operator: x }
                  c: { plugin: p, operator: x }
                sinks:
                  out: { type: null }
                edges:
                  - s -> a
                  - a -> b
                  - b -> c
                  - c.loop -> a.feedback
                  - c -> out
                """) == ["15:5: cycle: a -> b -> c -> a"])
    }

    @Test func everyCycleIsReported() {
        #expect(
            errors(
                """
                plugins: { p: { library: p } }
                sources: { s: { type: stdin } }
                operators:
                  a: { plugin: p, operator: x }
                  b: { plugin: p, operator: x }
                  c: { plugin: p, operator: x }
                  d: { plugin: p, operator: x }
                sinks: { out: { type: stdout } }
                edges: [s -> a, a -> b, b -> a, s -> c, c -> d, d -> c, b -> out, d -> out]
                """) == ["9:25: cycle: a -> b -> a", "9:49: cycle: c -> d -> c"])
    }

    @Test func unconnectedNodes() {
        #expect(
            errors(
                """
                plugins:
                  p: { library: p }
                sources:
                  s: { type: generator, count: 1 }
                  lonely: { type: generator, count: 1 }
                operators:
                  a: { plugin: p, operator: x }
                  c: { plugin: p, operator: x }
                  d: { plugin: p, operator: x }
                sinks:
                  out: { type: null }
                  idle: { type: null }
                edges:
                  - s -> a
                  - a -> out
                  - c -> out
                """) == [
                    "5:3: source 'lonely' is not connected to anything: add an edge 'lonely -> …'",
                    "8:3: operator 'c' has no input: add an edge '… -> c'",
                    "9:3: operator 'd' has no input: add an edge '… -> d'",
                    "12:3: sink 'idle' has no input: add an edge '… -> idle'",
                ])
    }

    @Test func anOperatorWithoutOutgoingEdgesIsFine() throws {
        let manifest = try ManifestCheck.parse(
            """
            plugins: { p: { library: p } }
            sources: { s: { type: stdin } }
            operators: { count: { plugin: p, operator: counter }, tap: { plugin: p, operator: tap } }
            sinks: { out: { type: stdout } }
            edges: [s -> count, s -> tap, tap -> out]
            """)
        #expect(manifest.topologicalOrder() == ["s", "count", "tap", "out"])
    }

    @Test func aMistakeInADefinitionDoesNotCascadeIntoGraphErrors() {
        // `s` fails to decode and `t` is named in a malformed edge: neither is also "unknown" or "unconnected".
        #expect(
            errors(
                """
                sources:
                  s: { type: file }
                  t: { type: stdin }
                sinks:
                  out: { type: stdout }
                edges: [s -> out, t => out]
                """) == [
                    "2:6: missing required key 'path' in source 's'",
                    "6:19: malformed edge 't => out': write 'FROM -> TO', where each end is 'node' or 'node.port'",
                ])
    }

    @Test func allErrorsAreCollectedInOneGoSortedByLine() {
        #expect(
            errors(
                """
                name: [not, a, string]
                plugins:
                  p: { library: a, path: b }
                sources:
                  s: { type: file, path: a.csv, schema: { a: string }, key: b, batch_size: -5 }
                operators:
                  o: { plugin: q, operator: x, parallelism: 0 }
                sinks:
                  o: { type: stdout }
                  k: { type: tape }
                edges:
                  - s -> o
                  - s -> nowhere
                dead_letters: { type: file }
                """) == [
                    "1:7: name must be a string, got a list",
                    "3:6: plugin 'p' has both 'library' and 'path': give exactly one",
                    "5:61: key 'b' is not a field of the schema of source 's' (fields: a)",
                    "5:76: batch_size must be an integer from 1 to 65536, got '-5'",
                    "7:16: operator 'o' uses plugin 'q', which is not declared under plugins (declared: p)",
                    "7:45: parallelism must be an integer from 1 to 256, got '0'",
                    "9:3: 'o' is declared twice: as an operator (line 7) and as a sink",
                    "10:3: sink 'k' has no input: add an edge '… -> k'",
                    "10:14: unknown sink type 'tape' (expected one of: file, stdout, null, kafka)",
                    "13:5: edge 's.out -> nowhere.in': no node named 'nowhere'",
                    "14:15: missing required key 'path' in dead_letters",
                ])
    }
}
