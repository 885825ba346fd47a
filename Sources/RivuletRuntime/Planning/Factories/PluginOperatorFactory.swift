// PluginOperatorFactory: planning an operator of a loaded plugin: its ports, config, stores and instances.
import RivuletCore
import RivuletExecution
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
            )
        }
        for port in inputs.keys where !info.inputs.contains(port) {
            let edge = manifest.edges.first { $0.to.node == spec.name && $0.to.port == port }
            throw PlanError(
                edge?.location ?? spec.location,
                "operator '\(spec.name)' (\(operatorName)) has no input port '\(port)' (ports: \(info.inputs.joined(separator: ", ")))")
        }
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
            kind: "\(plugin.name)/\(operatorName)")
        node.inputPorts = info.inputs
        node.inputSchemas = inputs
        node.outputPorts = info.outputs + ["errors"]
        let inputList = info.inputs.map { inputs[$0] ?? Schema() }
        for i in 0..<spec.parallelism {
            let route = context.deadLetterRoute(for: spec.name, input: inputList.first ?? Schema())
            let instance: PluginOperator
            do {
                instance = try PluginOperator(
                    name: PlanningContext.instanceName(spec.name, i, of: spec.parallelism), plugin: plugin, info: info,
                    config: PluginConfig.entries(spec.config, json: spec.configJSON), inputSchemas: inputList, batchCapacity: options.batchSize,
                    stores: spec.stores, deadLetters: route)
            } catch {
                throw PlanError(spec.location, "\(error)")
            }
            var ports: [String: OutputPort] = [:]
            for port in instance.outputs { ports[port.name] = port }
            context.add(instance, ports: ports, route: route, to: node)
        }
        for port in node.outputsByInstance[0].values { node.outputSchemas[port.name] = port.schema }
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: inputList.first ?? Schema())
        return node
    }
}

extension PluginOperator: StoreUsing {}

extension PluginOperator: CounterReporting {
    func counterSnapshot() -> [(name: String, value: Int64)] { context.counters.snapshot() }
}
