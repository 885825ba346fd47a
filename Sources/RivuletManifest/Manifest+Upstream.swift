// Manifest+Upstream: which sources reach an operator's input port.

extension Manifest {
    /// The sources whose records can reach `endpoint` (an operator's input port), through any chain of
    /// operators, in the order first found.
    public func sources(upstreamOf endpoint: Endpoint) -> [String] {
        sources(from: edges.filter { $0.to == endpoint }.map(\.from.node))
    }

    /// The sources whose records reach `node` (any of its ports), or `node` itself if it is a source.
    public func sources(feeding node: String) -> [String] { sources(from: [node]) }

    /// The sources among `nodes` and upstream of them.
    private func sources(from nodes: [String]) -> [String] {
        let sourceNames = Set(sources.map(\.name))
        var found: [String] = []
        var seen: Set<String> = []
        var frontier = nodes
        while let node = frontier.popLast() {
            guard seen.insert(node).inserted else { continue }
            if sourceNames.contains(node) {
                found.append(node)
            } else {
                frontier += edges.filter { $0.to.node == node }.map(\.from.node)
            }
        }
        return found
    }
}
