// OperatorFactory: what plans one kind of operator node; the one place that maps a manifest kind to its factory.
import RivuletCore
import RivuletManifest

/// Plans one kind of operator node: checks its spec against the schemas arriving on its inputs, creates
/// its instances (each with its output ports and its dead-letter route, given at construction) and
/// declares its ports. Each kind has its own factory, in its own file, together with the capabilities
/// its operators offer the planner and the run summary (`Capabilities.swift`).
protocol OperatorFactory {
    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode
}

extension OperatorKind {
    /// The factory that plans operators of this kind.
    var factory: OperatorFactory {
        switch self {
        case let .plugin(plugin, name): PluginOperatorFactory(plugin: plugin, operatorName: name)
        case .function(let function): FunctionOperatorFactory(function: function)
        case .window(let window): WindowOperatorFactory(window: window)
        case .join(let join): JoinOperatorFactory(join: join)
        case .lookup(let lookup): LookupOperatorFactory(lookup: lookup)
        case .table(let table): TableOperatorFactory(table: table)
        case .filter(let expression): FilterOperatorFactory(expression: expression)
        case .map(let map): MapOperatorFactory(map: map)
        case .explode(let field): ExplodeOperatorFactory(field: field)
        }
    }
}
