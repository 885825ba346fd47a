// PlanningContext: what every factory plans with: the manifest, the run options and the plan built so far.
import RivuletCore
import RivuletExecution
import RivuletManifest

/// The manifest, the options, and the plan so far (loaded plugins, the run's dead-letter sink, the nodes
/// already planned), with the steps every factory shares: dead-letter routes and registering instances.
struct PlanningContext {
    let manifest: Manifest
    let options: RunOptions
    let plan: ExecutionPlan
    /// A Kafka application's windows and joins split by key: their key groups, the partitions of their
    /// repartition topics.
    var kafkaKeyGroups: [String: Int] = [:]
    /// A Kafka application's input sources: the partitions of each one's topics (see `KafkaApplicationTopics`).
    var kafkaInputPartitions: [String: Int] = [:]
    /// Input Kafka source → the numbers it gives its partitions (`KafkaApplicationTopics.Layout.inputNumbers`).
    var kafkaInputNumbers: [String: [Int32]] = [:]

    /// The input partitions a repartition topic's `writer` marks, as its readers number them: the partitions
    /// of the Kafka source feeding it (records keep their positions; also through a plugin operator that
    /// passes them on), or the groups of the operator split by key feeding it (its results carry its
    /// groups' watermarks); else the partitions of its inputs.
    func markedInputs(of writer: String) -> [Int32] {
        let into = Endpoint(node: writer, port: "in")
        if let source = manifest.kafkaSourceKeepingPositions(into: into), let numbers = kafkaInputNumbers[source.name] { return numbers }
        if let op = manifest.kafkaOperatorSplitByKey(feeding: into) { return Array(0..<Int32(kafkaKeyGroups[op.name] ?? 1)) }
        let upstream = manifest.sources(upstreamOf: into)
        let numbered = upstream.compactMap { kafkaInputNumbers[$0] }
        if numbered.count == 1 { return numbered[0] }
        return Array(0..<Int32(upstream.compactMap { kafkaInputPartitions[$0] }.max() ?? 1))
    }

    /// The dead-letter route of one instance of `node`, whose first input has `input`: its `errors` port
    /// when the manifest wires it, else the run's sink. Every operator gets one at construction.
    func deadLetterRoute(for node: String, input: Schema) -> DeadLetterRoute {
        let wired = manifest.edges.contains { $0.from.node == node && $0.from.port == "errors" }
        let port = wired ? OutputPort(name: "errors", schema: DeadLetterRoute.errorsSchema(for: input), batchCapacity: options.batchSize) : nil
        return DeadLetterRoute(node: node, sink: plan.deadLetters, errorsPort: port, inputSchema: input)
    }

    /// Adds an instance of `node` with its output `ports` and the dead-letter `route` it was built with
    /// (whose `errors` port joins the ports when the manifest wires it).
    func add(_ instance: StreamOperator, ports: [String: OutputPort], route: DeadLetterRoute, to node: PlannedNode) {
        var ports = ports
        if let errors = route.errorsPort { ports["errors"] = errors }
        node.instances.append(instance)
        node.outputsByInstance.append(ports)
        node.deadLetterRoutes.append(route)
    }

    /// The event-time field of the source whose records reach `node`'s input `port` (following single
    /// inputs upstream), if that source takes its time from a field.
    func eventTimeField(feeding node: String, port: String) -> String? {
        var current = manifest.edges.first { $0.to.node == node && $0.to.port == port }?.from.node
        var seen: Set<String> = []
        while let name = current, seen.insert(name).inserted {
            if let source = manifest.sources.first(where: { $0.name == name }) {
                if case .event(let field, _)? = source.time?.kind { return field }
                return nil
            }
            let incoming = manifest.edges.filter { $0.to.node == name }
            current = incoming.count == 1 ? incoming[0].from.node : nil
        }
        return nil
    }

    /// The name of instance `i` of a node with `parallelism` instances ("agg#1"; the node's name alone if one).
    static func instanceName(_ name: String, _ i: Int, of parallelism: Int) -> String {
        parallelism > 1 ? "\(name)#\(i)" : name
    }
}
