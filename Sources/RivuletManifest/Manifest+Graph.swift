// Manifest+Graph: questions about the topology graph: a node's role, and an upstream-first order.

extension Manifest {
    /// Whether `name` is a source, an operator or a sink; nil when no node has that name.
    public func role(of name: String) -> NodeRole? {
        if sources.contains(where: { $0.name == name }) { return .source }
        if operators.contains(where: { $0.name == name }) { return .operator }
        if sinks.contains(where: { $0.name == name }) { return .sink }
        return nil
    }

    /// Every node name, in declaration order: sources, then operators, then sinks.
    public var nodeNames: [String] {
        sources.map(\.name) + operators.map(\.name) + sinks.map(\.name)
    }

    /// Every node, each after all the nodes that feed it. Among nodes ready at the same time the one
    /// declared first goes first (sources, then operators, then sinks), so the order is deterministic and
    /// starts with the sources. A loaded manifest has no cycle; if a hand-built one has, the nodes on or
    /// after the cycle are left out.
    public func topologicalOrder() -> [String] {
        let names = nodeNames
        var waiting: [String: Int] = [:]
        for name in names { waiting[name] = 0 }
        for edge in edges where waiting[edge.to.node] != nil && waiting[edge.from.node] != nil {
            waiting[edge.to.node]! += 1
        }
        // A repartition topic's reader comes after its writer (it takes the writer's input schema).
        let topicEdges = internalTopics.flatMap { t in t.writers.compactMap { w in t.reader.map { (from: w, to: $0) } } }
        for edge in topicEdges where waiting[edge.to] != nil && waiting[edge.from] != nil { waiting[edge.to]! += 1 }
        var order: [String] = []
        var placed = Set<String>()
        while let next = names.first(where: { !placed.contains($0) && waiting[$0] == 0 }) {
            order.append(next)
            placed.insert(next)
            for edge in edges where edge.from.node == next && waiting[edge.to.node] != nil {
                waiting[edge.to.node]! -= 1
            }
            for edge in topicEdges where edge.from == next && waiting[edge.to] != nil { waiting[edge.to]! -= 1 }
        }
        return order
    }
}
