// ManifestValidator: the graph checks: unique names, known plugins, well-formed edges, no cycles, no orphans.

/// Checks what spans sections: node names, plugin references, edges (endpoints, ports of sources and
/// sinks, duplicates), cycles, and nodes left unconnected. Operator ports are checked by the runtime,
/// which knows each plugin's ports (every operator also has the output port `errors`).
struct ManifestValidator {
    let manifest: Manifest
    let reader: ManifestReader
    /// Every node name written in the manifest, including those whose definition failed to decode.
    let declared: [(String, NodeRole, SourceLocation)]

    func validate() {
        var seen: [String: (role: NodeRole, location: SourceLocation)] = [:]
        let nodes: [(String, NodeRole, SourceLocation)] =
            manifest.sources.map { ($0.name, .source, $0.location) } + manifest.operators.map { ($0.name, .operator, $0.location) }
            + manifest.sinks.map { ($0.name, .sink, $0.location) }
        let decoded = Set(nodes.map(\.0))
        for (name, role, location) in nodes + declared.filter({ !decoded.contains($0.0) }) {
            if let first = seen[name] {
                reader.error(location, "'\(name)' is declared twice: as \(first.role.article) (line \(first.location.line)) and as \(role.article)")
            } else {
                seen[name] = (role, location)
            }
        }
        let pluginNames = Set(manifest.plugins.map(\.name))
        for op in manifest.operators {
            if case .plugin(let plugin, _) = op.kind, !pluginNames.contains(plugin) {
                reader.error(op.location, "operator '\(op.name)' uses plugin '\(plugin)', which is not declared under plugins")
            }
        }
        var validEdges: [EdgeSpec] = []
        var firstEdge: [String: EdgeSpec] = [:]
        for edge in manifest.edges {
            let text = "\(edge.from) -> \(edge.to)"
            guard let from = seen[edge.from.node] else {
                reader.error(edge.location, "edge '\(text)': no node named '\(edge.from.node)'")
                continue
            }
            guard let to = seen[edge.to.node] else {
                reader.error(edge.location, "edge '\(text)': no node named '\(edge.to.node)'")
                continue
            }
            if from.role == .sink { reader.error(edge.location, "edge '\(text)': '\(edge.from.node)' is a sink; nothing flows out of a sink"); continue }
            if to.role == .source { reader.error(edge.location, "edge '\(text)': '\(edge.to.node)' is a source; nothing flows into a source"); continue }
            if from.role == .source && edge.from.port != "out" {
                reader.error(edge.location, "edge '\(text)': a source has one output port, 'out'"); continue
            }
            if to.role == .sink && edge.to.port != "in" {
                reader.error(edge.location, "edge '\(text)': a sink has one input port, 'in'"); continue
            }
            if let first = firstEdge[text] {
                reader.error(edge.location, "duplicate edge '\(text)' (first at line \(first.location.line))"); continue
            }
            firstEdge[text] = edge
            validEdges.append(edge)
        }
        checkCycles(validEdges)
        for (name, role, location) in nodes where seen[name]?.location == location && !hasDuplicate(name) {
            let outgoing = validEdges.contains { $0.from.node == name }
            let incoming = validEdges.contains { $0.to.node == name }
            switch role {
            case .source where !outgoing: reader.error(location, "source '\(name)' is not connected to anything (add an edge '\(name) -> …')")
            case .operator where !incoming: reader.error(location, "operator '\(name)' has no input (add an edge '… -> \(name)')")
            case .sink where !incoming: reader.error(location, "sink '\(name)' has no input (add an edge '… -> \(name)')")
            default: break
            }
        }
    }

    private func hasDuplicate(_ name: String) -> Bool {
        declared.filter { $0.0 == name }.count > 1
    }

    /// Reports one error per cycle found, at the edge that closes it.
    private func checkCycles(_ edges: [EdgeSpec]) {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ node: String) {
            state[node] = 1
            stack.append(node)
            for edge in edges where edge.from.node == node {
                let next = edge.to.node
                if state[next] == 1 {
                    let cycle = stack[stack.lastIndex(of: next)!...] + [next]
                    reader.error(edge.location, "cycle: \(cycle.joined(separator: " -> "))")
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[node] = 2
        }
        for edge in edges where state[edge.from.node] == nil { visit(edge.from.node) }
    }
}

/// What a node of the topology is.
public enum NodeRole: String, Sendable {
    case source, `operator`, sink

    var article: String { self == .operator ? "an operator" : "a \(rawValue)" }
}

extension Manifest {
    /// Whether `name` is a source, an operator or a sink.
    public func role(of name: String) -> NodeRole? {
        if sources.contains(where: { $0.name == name }) { return .source }
        if operators.contains(where: { $0.name == name }) { return .operator }
        if sinks.contains(where: { $0.name == name }) { return .sink }
        return nil
    }

    /// Every node, upstream before downstream; among nodes ready at the same time, declaration order
    /// (sources, then operators, then sinks). The manifest has no cycles once loaded.
    public func topologicalOrder() -> [String] {
        let declared = sources.map(\.name) + operators.map(\.name) + sinks.map(\.name)
        var remaining = Dictionary(declared.map { ($0, 0) }, uniquingKeysWith: { a, _ in a })
        for edge in edges where remaining[edge.to.node] != nil { remaining[edge.to.node]! += 1 }
        var order: [String] = []
        var done = Set<String>()
        while order.count < declared.count {
            guard let next = declared.first(where: { !done.contains($0) && remaining[$0] == 0 }) else { break }
            order.append(next)
            done.insert(next)
            for edge in edges where edge.from.node == next { remaining[edge.to.node]? -= 1 }
        }
        return order
    }
}
