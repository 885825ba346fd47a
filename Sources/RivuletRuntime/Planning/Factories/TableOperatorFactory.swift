// TableOperatorFactory: planning a table operator: a changelog materialized by key, emitting its changes.
import RivuletCore
import RivuletExecution
import RivuletJoins
import RivuletManifest
import RivuletState

/// Plans a `table:` operator: its key field, the event-time field left out of its values, its instance.
struct TableOperatorFactory: OperatorFactory {
    let table: TableSpec

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "table operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        guard let key = input.index(of: table.key) else {
            throw PlanError(
                spec.location,
                "'\(spec.name)': key field '\(table.key)' is not in its input (fields: \(input))"
                    + DidYouMean.hint(table.key, among: input.fields.map(\.name)))
        }
        let time = context.eventTimeField(feeding: spec.name, port: "in").flatMap { input.index(of: $0) }
        let route = context.deadLetterRoute(for: spec.name, input: input)
        let op = TableOperator(
            name: spec.name, schema: input, key: key, timeField: time, batchCapacity: context.options.batchSize,
            deadLetters: route)
        op.stampsResultPositions = context.options.latency != nil
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: 1, location: spec.location,
            kind: "table keyed by \(table.key) (its changes out)")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out"]
        context.add(op, ports: ["out": op.out], route: route, to: node)
        node.outputSchemas = ["out": input]
        return node
    }
}

/// A table keeps its rows in the store the manifest names (`stores:`), if any.
extension TableOperator: StoreUsing {
    func attach(stores: [String: KeyValueStore]) {
        if let first = stores.values.first { store = first }
    }
}
