// Planner+Wiring: assigning instances to tasks (operator chaining) and connecting edges by call or by ring.
import RivuletCore
import RivuletExecution
import RivuletManifest

extension Planner {
    /// A node joins its upstream's task when both run a single instance and it has exactly one incoming
    /// edge; otherwise each of its instances gets a task of its own, fed by rings through an input gate.
    func assignTasks(_ plan: ExecutionPlan) {
        for node in plan.nodes where node.role != .source { node.metrics = node.instances.map { _ in InstanceMetrics() } }
        for node in plan.nodes {
            let incoming = manifest.edges.filter { $0.to.node == node.name }
            if let source = node.source {
                node.taskIDs = [plan.newTask(name: node.name, head: .source(source)).id]
            } else if node.parallelism == 1, incoming.count == 1, node.chains,
                let upstream = plan.nodesByName[incoming[0].from.node], upstream.parallelism == 1
            {
                node.taskIDs = upstream.taskIDs
            } else {
                node.taskIDs = node.instances.indices.map { i in
                    plan.newTask(
                        name: node.parallelism > 1 ? "\(node.name)#\(i)" : node.name,
                        head: .inputs(InputGate(target: node.instances[i], metrics: node.metrics[i]))
                    ).id
                }
            }
        }
    }

    /// Connects every edge: a fused edge inside a task, or one ring per (producer, consumer) instance pair
    /// between tasks, split by key when the consumer is parallel.
    func wire(_ plan: ExecutionPlan) throws {
        var idleMemo: [String: Int64?] = [:]
        for edge in manifest.edges {
            let from = plan.nodesByName[edge.from.node]!
            let to = plan.nodesByName[edge.to.node]!
            let port = to.inputPorts.firstIndex(of: edge.to.port) ?? 0
            let fused = to.parallelism == 1 && from.parallelism == 1 && to.taskIDs == from.taskIDs
            for u in 0..<from.parallelism {
                let sending: Edge
                if fused {
                    sending = FusedEdge(
                        name: "\(edge.from.node).\(edge.from.port) -> \(edge.to.node).\(edge.to.port)",
                        target: to.instances[0], port: port, metrics: to.metrics[0])
                } else {
                    var rings: [RingEdge] = []
                    for d in 0..<to.parallelism {
                        let ring = SPSCRing<StreamElement>(capacity: options.ringCapacity)
                        let label =
                            "\(edge.from.node)\(from.parallelism > 1 ? "#\(u)" : "").\(edge.from.port) -> \(edge.to.node)\(to.parallelism > 1 ? "#\(d)" : "").\(edge.to.port)"
                        let ringEdge = RingEdge(name: label, ring: ring, cancellation: plan.cancellation)
                        plan.rings.append(PlannedRing(from: edge.from.node, to: edge.to.node, capacity: options.ringCapacity, edge: ringEdge))
                        guard case .inputs(let gate) = plan.tasks[to.taskIDs[d]].head else { preconditionFailure("\(to.name) is fed by rings") }
                        // An ordered sink waits for every window instance (an idle one would let the others' results pass
                        // it); the instances' own valves handle idle sources.
                        let orderedSink = manifest.sinks.contains { $0.name == edge.to.node && $0.ordered }
                        gate.add(
                            InputChannel(
                                ring: ring, port: port, name: label,
                                idleTimeout: orderedSink ? nil : idleTimeout(upstreamOf: edge.from.node, &idleMemo)))
                        rings.append(ringEdge)
                    }
                    sending =
                        to.parallelism > 1
                        ? PartitionedEdge(
                            name: "\(edge.from.node) -> \(edge.to.node) by key", rings: rings, field: to.partitionField,
                            keylessToFirst: !(manifest.operators.first { $0.name == to.name }?.stores.isEmpty ?? true))
                        : rings[0]
                    from.outgoingEdges[u].append(sending)
                }
                if from.source != nil {
                    plan.tasks[from.taskIDs[0]].connectSource(to: sending)
                } else {
                    from.outputsByInstance[u][edge.from.port]!.connect(sending)
                }
            }
        }
    }

    /// How long an input fed by `node` may stay silent before it counts as idle: the largest
    /// `idle_timeout` of the sources it reads from (itself, if a source), and never (nil) if one of them
    /// has none — the input is idle only when every source behind it may be.
    func idleTimeout(upstreamOf node: String, _ memo: inout [String: Int64?]) -> Int64? {
        if let known = memo[node] { return known }
        let result: Int64?
        if let source = manifest.sources.first(where: { $0.name == node }) {
            result = source.time?.idleTimeout
        } else {
            let upstream = manifest.edges.filter { $0.to.node == node }.map { idleTimeout(upstreamOf: $0.from.node, &memo) }
            result = upstream.isEmpty || upstream.contains(where: { $0 == nil }) ? nil : upstream.compactMap { $0 }.max()
        }
        memo[node] = result
        return result
    }

    /// Each task finishes its instances in topological order, each followed by the edges to other tasks it feeds.
    func collectTaskSteps(_ plan: ExecutionPlan) {
        for node in plan.nodes {
            for (i, taskID) in node.taskIDs.enumerated() {
                let task = plan.tasks[taskID]
                if node.source == nil { task.append(node.instances[i]) }
                for edge in node.outgoingEdges[i] { task.append(outgoing: edge) }
            }
        }
    }
}
