// Planner+Wiring: assigning instances to tasks (operator chaining) and connecting edges by call or by ring.
import RivuletCore
import RivuletManifest

extension Planner {
    /// A node joins its upstream's task when both run a single instance and it has exactly one incoming
    /// edge; otherwise each of its instances gets a task of its own, fed by rings.
    func assignTasks(_ plan: ExecutionPlan) {
        for node in plan.nodes {
            let incoming = manifest.edges.filter { $0.to.node == node.name }
            if node.role == .source {
                let task = plan.newTask(name: node.name, head: .source(
                    node.source!, node.timeAssigner!, batchSize: node.sourceBatchSize, receivers: [], deadLetters: node.deadLetterRoutes[0]))
                node.taskIDs = [task.id]
            } else if node.parallelism == 1, incoming.count == 1, node.chains,
                let upstream = plan.nodesByName[incoming[0].from.node], upstream.parallelism == 1
            {
                node.taskIDs = upstream.taskIDs
            } else {
                node.taskIDs = (0..<node.parallelism).map { i in
                    plan.newTask(name: node.parallelism > 1 ? "\(node.name)#\(i)" : node.name, head: .rings([])).id
                }
            }
        }
    }

    /// Connects every edge: a direct call inside a task, or one ring per (producer, consumer) instance pair,
    /// behind a key partitioner when the consumer is parallel.
    func wire(_ plan: ExecutionPlan) throws {
        var idleMemo: [String: Int64?] = [:]
        for node in plan.nodes where node.role != .source { node.metrics = node.instances.map { _ in InstanceMetrics() } }
        for edge in manifest.edges {
            let from = plan.nodesByName[edge.from.node]!
            let to = plan.nodesByName[edge.to.node]!
            let port = to.inputPorts.firstIndex(of: edge.to.port) ?? 0
            let fused = to.parallelism == 1 && from.parallelism == 1 && to.taskIDs == from.taskIDs
            for u in 0..<from.parallelism {
                let receiver: StreamOperator
                if fused {
                    receiver = CountingReceiver(to.instances[0], metrics: to.metrics[0])
                } else {
                    var writers: [StreamOperator] = []
                    for d in 0..<to.parallelism {
                        let ring = SPSCRing<StreamElement>(capacity: options.ringCapacity)
                        let label = "\(edge.from.node)\(from.parallelism > 1 ? "#\(u)" : "").\(edge.from.port) -> \(edge.to.node)\(to.parallelism > 1 ? "#\(d)" : "").\(edge.to.port)"
                        let writer = RingWriter(name: label, ring: ring, cancellation: plan.cancellation)
                        plan.rings.append(PlannedRing(from: edge.from.node, to: edge.to.node, capacity: options.ringCapacity, writer: writer))
                        var input = TaskInput(ring: ring, target: CountingReceiver(to.instances[d], metrics: to.metrics[d]), port: port, edge: label)
                        input.idleTimeout = idleTimeout(upstreamOf: edge.from.node, &idleMemo)
                        plan.tasks[to.taskIDs[d]].addInput(input)
                        writers.append(writer)
                    }
                    receiver = to.parallelism > 1
                        ? KeyPartitioner(name: "\(edge.from.node) -> \(edge.to.node) by key", targets: writers, batchCapacity: options.batchSize,
                                         field: to.partitionField,
                                         keylessToFirst: !(manifest.operators.first { $0.name == to.name }?.stores.isEmpty ?? true))
                        : writers[0]
                    from.attachedWriters[u].append(receiver)
                }
                if from.role == .source {
                    from.sourceReceivers.append((receiver, port))
                } else {
                    from.outputsByInstance[u][edge.from.port]!.connect(receiver, port: port)
                }
            }
        }
        for node in plan.nodes where node.role == .source {
            let task = plan.tasks[node.taskIDs[0]]
            task.head = .source(node.source!, node.timeAssigner!, batchSize: node.sourceBatchSize, receivers: node.sourceReceivers,
                                deadLetters: node.deadLetterRoutes[0])
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

    /// Each task finishes its nodes in topological order, each followed by the writers it feeds.
    func collectTaskNodes(_ plan: ExecutionPlan) {
        for node in plan.nodes {
            for (i, taskID) in node.taskIDs.enumerated() {
                let task = plan.tasks[taskID]
                if node.role != .source { task.nodes.append(node.instances[i]) }
                task.nodes.append(contentsOf: node.attachedWriters[i])
            }
        }
    }
}

extension ExecutionTask {
    func addInput(_ input: TaskInput) {
        if case .rings(var inputs) = head {
            inputs.append(input)
            head = .rings(inputs)
        }
    }
}
