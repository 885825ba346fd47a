// TableOperatorFactory: planning a table operator: a changelog materialized by key, emitting its changes.
import RivuletCore
import RivuletExecution
import RivuletJoins
import RivuletKafka
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
        // In a Kafka application the table reads its repartition topic: the time field is its writer's input's.
        let writer = context.manifest.internalTopics.first { $0.role == .repartition && $0.operatorName == spec.name }?.writer
        let time = context.eventTimeField(feeding: writer ?? spec.name, port: "in").flatMap { input.index(of: $0) }
        let route = context.deadLetterRoute(for: spec.name, input: input)
        let batchSize = context.options.batchSize
        let stamps = context.options.latency != nil
        let makeTable = { (group: Int?) -> TableOperator in
            let op = TableOperator(name: spec.name, schema: input, key: key, timeField: time, batchCapacity: batchSize, deadLetters: route)
            op.stampsResultPositions = stamps
            op.keyedGroup = group
            return op
        }
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: 1, location: spec.location,
            kind: "table keyed by \(table.key) (its changes out)")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out"]
        if context.kafkaKeyGroups[spec.name] != nil {
            // A Kafka application's table: one table per partition of its repartition topic, its rows kept
            // in the changelog topic (`TableOperator+KeyGroups.swift`).
            let ports = ["out": OutputPort(name: "out", schema: input, batchCapacity: batchSize)]
            let reader = context.manifest.internalTopics.first { $0.role == .repartition && $0.operatorName == spec.name }?.reader ?? ""
            let markers = (context.plan.nodesByName[reader]?.source?.source as? KafkaSource)?.watermarkMarkers
            let groupWatermark = { (group: Int) in markers?.watermark(of: Int32(group)) ?? .min }
            let op = PerGroupOperator(name: spec.name, ports: ports, groupWatermark: groupWatermark) { group in
                let table = makeTable(group)
                return (table, ["out": table.out])
            }
            context.add(op, ports: ports, route: route, to: node)
        } else {
            let op = makeTable(nil)
            context.add(op, ports: ["out": op.out], route: route, to: node)
        }
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
