// Planner+Retention: Kafka sources commit no further than what a join downstream still holds.
import RivuletJoins
import RivuletKafka
import RivuletManifest

extension Planner {
    /// Every Kafka source upstream of a join's input commits, for each checkpoint, no further than the
    /// oldest of its records the join still held then (waiting for the other input's watermark): a
    /// restart without the join's state — a Kafka application's global tables are rebuilt from their
    /// topics — reads those records again.
    /// Whether join `name`'s right (table) input is a global Kafka source.
    private func rightIsGlobal(_ name: String) -> Bool {
        manifest.sources(upstreamOf: Endpoint(node: name, port: "right")).contains { source in
            guard case .kafka(let k)? = manifest.sources.first(where: { $0.name == source })?.kind else { return false }
            return k.global
        }
    }

    func bindRetention(_ plan: ExecutionPlan) {
        for node in plan.nodes {
            let joins = node.instances.compactMap { $0 as? JoinOperator }
            guard !joins.isEmpty else { continue }
            for (port, name) in [(0, "left"), (1, "right")] {
                for upstream in manifest.sources(upstreamOf: Endpoint(node: node.name, port: name)) {
                    guard let source = plan.nodesByName[upstream]?.source?.source as? KafkaSource else { continue }
                    for join in joins { source.retainedDownstream.append((join.retained, port)) }
                    // Each side split by the group, unless the other side is a global table: a process sees
                    // only its share of both.
                    if !rightIsGlobal(node.name) { source.needsAllPartitions = "join '\(node.name)'" }
                }
            }
        }
    }
}
