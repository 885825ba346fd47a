// PluginOperatorFactory: planning an operator of a loaded plugin: its ports, config, stores and instances.
import RivuletCore
import RivuletExecution
import RivuletKafka
import RivuletManifest
import RivuletPlugins
import RivuletState

/// Plans `plugin/operator`: checks the plugin declares the operator and every wired input port, and
/// creates one instance per parallel slot (the plugin's `create` runs now, and may reshape its outputs).
struct PluginOperatorFactory: OperatorFactory {
    let plugin: String
    let operatorName: String

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        let (manifest, options, plan) = (context.manifest, context.options, context.plan)
        let pluginName = plugin
        guard let plugin = plan.plugins[pluginName] else { throw PlanError(spec.location, "plugin '\(pluginName)' is not loaded") }
        guard let info = plugin.operatorInfo(named: operatorName) else {
            throw PlanError(
                spec.location,
                "plugin '\(pluginName)' (\(plugin.path)) has no operator '\(operatorName)'; it has: \(plugin.operators.map(\.name).joined(separator: ", "))"
                    + DidYouMean.hint(operatorName, among: plugin.operators.map(\.name))
            )
        }
        for port in inputs.keys where !info.inputs.contains(port) {
            let edge = manifest.edges.first { $0.to.node == spec.name && $0.to.port == port }
            throw PlanError(
                edge?.location ?? spec.location,
                "operator '\(spec.name)' (\(operatorName)) has no input port '\(port)' (ports: \(info.inputs.joined(separator: ", ")))"
                    + DidYouMean.hint(port, among: info.inputs))
        }
        try checkConfig(spec, info: info, operatorName: operatorName, context: context)
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
            kind: "\(plugin.name)/\(operatorName)")
        node.inputPorts = info.inputs
        node.inputSchemas = inputs
        node.outputPorts = info.outputs + ["errors"]
        let inputList = info.inputs.map { inputs[$0] ?? Schema() }
        if let storeTopics = Optional(context.manifest.internalTopics.filter { $0.operatorName == spec.name && $0.store != nil }),
            !storeTopics.isEmpty
        {
            try planPerPartition(spec, node: node, plugin: plugin, info: info, inputs: inputList, topics: storeTopics, context: context)
            return node
        }
        for i in 0..<spec.parallelism {
            let route = context.deadLetterRoute(for: spec.name, input: inputList.first ?? Schema())
            let instance: PluginOperator
            do {
                instance = try PluginOperator(
                    name: PlanningContext.instanceName(spec.name, i, of: spec.parallelism), plugin: plugin, info: info,
                    config: PluginConfig.entries(spec.config, json: spec.configJSON), inputSchemas: inputList, batchCapacity: options.batchSize,
                    stores: spec.stores, deadLetters: route, instance: i)
            } catch {
                throw PlanError(spec.location, "\(error)")
            }
            instance.crashScope.setPosition(Self.positionPrefix(of: spec, inputs: info.inputs, manifest))
            instance.context.eventTimerRefusal = Self.eventTimerRefusal(of: spec, inputs: info.inputs, manifest)
            var ports: [String: OutputPort] = [:]
            for port in instance.outputs { ports[port.name] = port }
            context.add(instance, ports: ports, route: route, to: node)
        }
        for port in node.outputsByInstance[0].values { node.outputSchemas[port.name] = port.schema }
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: inputList.first ?? Schema())
        return node
    }
}

extension PluginOperatorFactory {
    /// A plugin operator with stores in a Kafka application: one instance per input partition, its stores
    /// kept in their changelog topics (`PerPartitionStoreOperator`).
    private func planPerPartition(
        _ spec: OperatorSpec, node: PlannedNode, plugin: LoadedPlugin, info: OperatorInfo, inputs: [Schema], topics: [InternalTopic],
        context: PlanningContext
    ) throws {
        let def = info.definition.pointee
        if def.snapshot != nil || def.on_timer != nil {
            throw PlanError(
                spec.location,
                "operator '\(spec.name)' keeps state of its own or timers: in a Kafka application only its stores move with its input "
                    + "partitions (through their changelog topics)")
        }
        let manifest = context.manifest
        guard let (_, source) = manifest.kafkaStoreOperators.first(where: { $0.op.name == spec.name }), case .kafka(let k) = source.kind else {
            throw PlanError(spec.location, "operator '\(spec.name)' is not fed by a Kafka source")
        }
        let properties = try kafkaProperties(servers: k.bootstrapServers, own: k.properties, node: "source '\(source.name)'", manifest)
        let changelogs = topics.map { PartitionStoreChangelog(store: $0.store!, topic: $0.name, properties: properties) }
        let route = context.deadLetterRoute(for: spec.name, input: inputs.first ?? Schema())
        // The closure keeps what it needs, not the planning context (which holds the plan).
        let batchSize = context.options.batchSize
        let refusal = Self.eventTimerRefusal(of: spec, inputs: info.inputs, manifest)
        let make = { () throws -> PluginOperator in
            let op = try PluginOperator(
                name: spec.name, plugin: plugin, info: info, config: PluginConfig.entries(spec.config, json: spec.configJSON), inputSchemas: inputs,
                batchCapacity: batchSize, stores: spec.stores, deadLetters: route)
            op.context.eventTimerRefusal = refusal
            return op
        }
        // One instance made now gives the output ports' schemas (the plugin may reshape them in create).
        let first: PluginOperator
        do { first = try make() } catch { throw PlanError(spec.location, "\(error)") }
        var ports: [String: OutputPort] = [:]
        for port in first.outputs { ports[port.name] = OutputPort(name: port.name, schema: port.schema, batchCapacity: context.options.batchSize) }
        first.close()
        var budgets: [String: Int] = [:]
        for store in manifest.stores where spec.stores.contains(store.name) {
            if case .memory(let budget) = store.backend { budgets[store.name] = budget }
        }
        let op = PerPartitionStoreOperator(
            name: spec.name, ports: ports, changelogs: changelogs, budgets: budgets, log: context.options.report, make: make)
        context.add(op, ports: ports, route: route, to: node)
        for port in ports.values { node.outputSchemas[port.name] = port.schema }
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: inputs.first ?? Schema())
    }
}

extension PluginOperator: StoreUsing {}

extension PluginOperator: CounterReporting {
    func counterSnapshot() -> [(name: String, value: Int64)] { context.counters.snapshot() }
}

extension PluginOperatorFactory {
    /// The manifest's config keys against those the operator declares: a key it does not declare is
    /// refused (with the declared ones and the closest), a value that does not read as the declared type
    /// too. An operator that declares no keys at all cannot be checked: its config passes, with a warning.
    private func checkConfig(_ spec: OperatorSpec, info: OperatorInfo, operatorName: String, context: PlanningContext) throws {
        guard !spec.config.isEmpty else { return }
        let declared = info.configKeys.map(\.name)
        guard !declared.isEmpty else {
            context.options.report(
                "warning: operator '\(spec.name)' (\(operatorName)) declares no config keys: its config (\(spec.config.map(\.key).joined(separator: ", "))) cannot be checked"
            )
            return
        }
        for entry in spec.config {
            // A nested key (`rates.USD`) belongs to its top-level key (`rates`).
            let top = String(entry.key.prefix { $0 != "." })
            guard let key = info.configKeys.first(where: { $0.name == entry.key || $0.name == top }) else {
                throw PlanError(
                    entry.location,
                    "operator '\(spec.name)' (\(operatorName)) has no config key '\(top)' (it takes: \(declared.joined(separator: ", ")))"
                        + DidYouMean.hint(top, among: declared))
            }
            guard key.name == entry.key, let expected = Self.expectation(key.type), !expected.reads(entry.value) else { continue }
            throw PlanError(
                entry.location, "operator '\(spec.name)' (\(operatorName)): config '\(key.name)' must be \(expected.text), got '\(entry.value)'")
        }
    }

    /// What a scalar of declared type `type` must read as (i64, f64, bool; other types take any text).
    private static func expectation(_ type: UInt32) -> (text: String, reads: (String) -> Bool)? {
        switch FieldType(rawValue: type) {
        case .i64: ("an integer (i64)", { Int64($0) != nil })
        case .f64: ("a number (f64)", { Double($0) != nil })
        case .bool: ("true or false (bool)", { ["true", "false", "1", "0"].contains($0) })
        default: nil
        }
    }
}

extension PluginOperatorFactory {
    /// How the crash line shows a record's position: "events.csv:" (its line) when every record comes
    /// from one file, else nil (a bare offset).
    /// Why `spec` may not register event-time timers: a source upstream of it (not a generator, which
    /// stamps its own time) does not say which time its records have. Nil when every one does.
    static func eventTimerRefusal(of spec: OperatorSpec, inputs: [String], _ manifest: Manifest) -> String? {
        var seen: Set<String> = []
        let implicit = inputs.flatMap { manifest.sources(upstreamOf: Endpoint(node: spec.name, port: $0)) }.filter { name in
            guard seen.insert(name).inserted, let source = manifest.sources.first(where: { $0.name == name }), source.time == nil else {
                return false
            }
            if case .generator = source.kind { return false }
            return true
        }
        guard let first = implicit.first else { return nil }
        let names = implicit.map { "'\($0)'" }.joined(separator: ", ")
        return "operator '\(spec.name)' set an event-time timer, but source\(implicit.count == 1 ? "" : "s") \(names) "
            + "\(implicit.count == 1 ? "does" : "do") not say which time (\(manifest.sources.first { $0.name == first }.map { "\($0.location)" } ?? first)): "
            + "add time: { type: event, field: <its time field> } for the time in the records, or time: { type: processing } for the wall clock"
    }

    static func positionPrefix(of spec: OperatorSpec, inputs: [String], _ manifest: Manifest) -> String? {
        let sources = Set(inputs.flatMap { manifest.sources(upstreamOf: Endpoint(node: spec.name, port: $0)) })
        guard sources.count == 1, let source = manifest.sources.first(where: { $0.name == sources.first }),
            case .file(let path) = source.kind
        else { return nil }
        return String(path.split(separator: "/").last ?? Substring(path)) + ":"
    }
}
