// Manifest+Time: windows and joins need every source feeding them to say which time it keeps.

extension Manifest {
    /// The sources (file, stdin, Kafka) that feed a window or a join without a `time:`: they would run
    /// on processing time without saying so — 30 minutes of orders landing in one wall-clock minute. A
    /// generator stamps its own event time. One error per source, where it is declared.
    public func implicitTimeErrors() -> [ManifestError] {
        var users: [String: [String]] = [:]
        var order: [String] = []
        for op in operators {
            let ports: [String]
            switch op.kind {
            case .window: ports = ["in"]
            case .join: ports = ["left", "right"]
            default: continue
            }
            for port in ports {
                for name in sources(upstreamOf: Endpoint(node: op.name, port: port)) where !(users[name]?.contains(op.name) ?? false) {
                    if users[name] == nil { order.append(name) }
                    users[name, default: []].append(op.name)
                }
            }
        }
        return order.compactMap { name in
            guard let source = sources.first(where: { $0.name == name }), source.time == nil else { return nil }
            if case .generator = source.kind { return nil }
            let who = users[name]!.map { "'\($0)'" }.joined(separator: ", ")
            let verb = users[name]!.count == 1 ? "works" : "work"
            return ManifestError(
                source.location,
                "source '\(name)' feeds \(who), which \(verb) on time, but does not say which time: add time: { type: event, field: <its time field> } "
                    + "for the time in the records, or time: { type: processing } for the wall clock")
        }
    }
}
