// GraphValidator: the checks that span sections: unique names, edges, cycles, unconnected nodes.
import RivuletCore

/// Checks the topology graph once every section is decoded: node names are unique across sources,
/// operators and sinks; each edge joins known nodes through valid ports, once; there is no cycle; every
/// source feeds something and every operator and sink is fed. Operator ports are left to the runtime,
/// which knows each plugin's ports (every operator also has the output port "errors").
struct GraphValidator {
    /// Every node name written, in declaration order (sources, operators, sinks).
    let declarations: [NodeDeclaration]
    /// Every edge that could be parsed.
    let edges: [EdgeSpec]
    /// Nodes named in edges that have errors (or are too malformed to parse): they are not also reported
    /// as unconnected, so that one mistake gives one message.
    private var excused: Set<String>
    /// Whether the edges list could be read at all (if not, no node is reported as unconnected).
    let checkConnections: Bool
    /// The errors found.
    private(set) var errors: [ManifestError] = []

    init(declarations: [NodeDeclaration], edges: [EdgeSpec], mentioned: Set<String>, checkConnections: Bool) {
        self.declarations = declarations
        self.edges = edges
        self.excused = mentioned
        self.checkConnections = checkConnections
    }

    /// Runs every check.
    mutating func validate() {
        let nodes = uniqueNodes()
        let valid = validEdges(nodes)
        findCycles(valid)
        if checkConnections { findUnconnected(valid) }
    }

    private mutating func error(_ location: SourceLocation, _ message: String) {
        errors.append(ManifestError(location, message))
    }

    /// The first declaration of each name; later ones are errors.
    private mutating func uniqueNodes() -> [String: NodeDeclaration] {
        var first: [String: NodeDeclaration] = [:]
        for declaration in declarations {
            if let earlier = first[declaration.name] {
                error(
                    declaration.location,
                    "'\(declaration.name)' is declared twice: as \(earlier.role.withArticle) (line \(earlier.location.line)) and as \(declaration.role.withArticle)"
                )
            } else {
                first[declaration.name] = declaration
            }
        }
        return first
    }

    /// The edges that pass every check, in order; the others are reported.
    private mutating func validEdges(_ nodes: [String: NodeDeclaration]) -> [EdgeSpec] {
        var valid: [EdgeSpec] = []
        var firstAt: [String: SourceLocation] = [:]
        for edge in edges {
            let text = edge.description
            var known = true
            for node in [edge.from.node, edge.to.node] where nodes[node] == nil {
                let hint = node == "dead_letters" ? " (dead_letters is not a node: failed records go there without an edge)" : ""
                error(edge.location, "edge '\(text)': no node named '\(node)'\(hint)" + DidYouMean.hint(node, among: nodes.keys.sorted()))
                known = false
            }
            if !known { excused.formUnion([edge.from.node, edge.to.node]) }
            guard known, let from = nodes[edge.from.node], let to = nodes[edge.to.node] else { continue }
            if from.role == .sink {
                error(edge.location, "edge '\(text)': '\(from.name)' is a sink; nothing flows out of a sink")
            } else if to.role == .source {
                error(edge.location, "edge '\(text)': '\(to.name)' is a source; nothing flows into a source")
            } else if from.role == .source && edge.from.port != "out" {
                error(edge.location, "edge '\(text)': a source has only the output port 'out'")
            } else if to.role == .sink && edge.to.port != "in" {
                error(edge.location, "edge '\(text)': a sink has only the input port 'in'")
            } else if let first = firstAt[text] {
                error(edge.location, "duplicate edge '\(text)' (first at line \(first.line))")
            } else {
                firstAt[text] = edge.location
                valid.append(edge)
                continue
            }
            excused.formUnion([edge.from.node, edge.to.node])
        }
        return valid
    }

    /// Reports each edge that closes a cycle, as "cycle: a -> b -> a", at that edge. The search starts
    /// from nodes in declaration order and follows edges in the order written, so reports are stable.
    private mutating func findCycles(_ edges: [EdgeSpec]) {
        var state: [String: Bool] = [:]  // false: on the current path; true: finished
        var path: [String] = []
        var found: [(SourceLocation, String)] = []
        func visit(_ node: String) {
            state[node] = false
            path.append(node)
            for edge in edges where edge.from.node == node {
                let next = edge.to.node
                switch state[next] {
                case false?:
                    let cycle = path[path.lastIndex(of: next)!...] + [next]
                    found.append((edge.location, "cycle: \(cycle.joined(separator: " -> "))"))
                case nil:
                    visit(next)
                case true?:
                    break
                }
            }
            path.removeLast()
            state[node] = true
        }
        for declaration in declarations where state[declaration.name] == nil {
            visit(declaration.name)
        }
        for (location, message) in found { error(location, message) }
    }

    /// A source without an outgoing edge, or an operator or sink without an incoming one. Names declared
    /// twice and names in edges with errors are skipped (they already have an error).
    private mutating func findUnconnected(_ edges: [EdgeSpec]) {
        let counts = Dictionary(grouping: declarations, by: \.name).mapValues(\.count)
        let outgoing = Set(edges.map(\.from.node)), incoming = Set(edges.map(\.to.node))
        for declaration in declarations where counts[declaration.name] == 1 && !excused.contains(declaration.name) {
            let name = declaration.name
            switch declaration.role {
            case .source where !outgoing.contains(name):
                error(declaration.location, "source '\(name)' is not connected to anything: add an edge '\(name) -> …'")
            case .operator where !incoming.contains(name):
                error(declaration.location, "operator '\(name)' has no input: add an edge '… -> \(name)'")
            case .sink where !incoming.contains(name):
                error(declaration.location, "sink '\(name)' has no input: add an edge '… -> \(name)'")
            default:
                break
            }
        }
    }
}
