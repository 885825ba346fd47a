// JoinOperatorFactory: planning a join operator: its two inputs, key fields, output schema and ports.
import RivuletCore
import RivuletJoins
import RivuletManifest
import RivuletState

/// Plans a `join:` operator (stream–table, table–table, stream–stream): the key field of each side, the
/// event-time fields that order them, and its one instance.
struct JoinOperatorFactory: OperatorFactory {
    let join: JoinSpec

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        let options = context.options
        if let bad = inputs.keys.first(where: { $0 != "left" && $0 != "right" }) {
            throw PlanError(spec.location, "join operator '\(spec.name)' has the input ports 'left' and 'right', not '\(bad)'")
        }
        guard let left = inputs["left"], let right = inputs["right"] else {
            throw PlanError(spec.location, "join operator '\(spec.name)' needs an edge into '\(spec.name).left' and one into '\(spec.name).right'")
        }
        func field(_ name: String, _ schema: Schema, _ side: String) throws -> Int {
            guard let i = schema.index(of: name) else {
                throw PlanError(spec.location, "'\(spec.name)': field '\(name)' is not in its \(side) input (fields: \(schema))")
            }
            return i
        }
        let leftTime = context.eventTimeField(feeding: spec.name, port: "left").flatMap { left.index(of: $0) }
        let rightTime = context.eventTimeField(feeding: spec.name, port: "right").flatMap { right.index(of: $0) }
        let leftKey = try field(join.leftKey, left, "left")
        let rightKey = try field(join.rightKey, right, "right")
        let kind = JoinKind(join.emit)
        let route = context.deadLetterRoute(for: spec.name, input: left)
        let op: JoinOperator
        let text: String
        switch join.kind {
        case .streamTable:
            op = StreamTableJoin(
                name: spec.name, kind: kind, left: left, right: right, leftKey: leftKey, rightKey: rightKey,
                rightTime: rightTime, batchCapacity: options.batchSize, deadLetters: route)
            text = "\(join.emit.rawValue) stream–table join on \(join.leftKey) = \(join.rightKey)"
        case .tableTable:
            let pk = try field(join.leftPrimaryKey ?? join.leftKey, left, "left")
            op = TableTableJoin(
                name: spec.name, kind: kind, left: left, right: right, leftPK: pk, leftFK: leftKey, rightKey: rightKey,
                leftTime: leftTime, rightTime: rightTime, batchCapacity: options.batchSize, deadLetters: route)
            text = "\(join.emit.rawValue) table–table join on \(join.leftKey) = \(join.rightKey)"
        case .streamStream:
            op = StreamStreamJoin(
                name: spec.name, kind: kind, left: left, right: right, leftKey: leftKey, rightKey: rightKey,
                within: join.within ?? 0, grace: join.grace, batchCapacity: options.batchSize, deadLetters: route)
            text = "\(join.emit.rawValue) stream–stream join on \(join.leftKey) = \(join.rightKey) within \(join.within ?? 0) ms"
        }
        op.stampsResultPositions = options.latency != nil
        let node = PlannedNode(name: spec.name, role: .operator, parallelism: 1, location: spec.location, kind: text)
        node.inputPorts = ["left", "right"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "late_left", "late_right"]
        context.add(op, ports: ["out": op.out, "late_left": op.lateLeft, "late_right": op.lateRight], route: route, to: node)
        node.outputSchemas = ["out": op.out.schema, "late_left": left, "late_right": right]
        return node
    }
}

/// A stream–table join keeps its table in the store the manifest names (`stores:`), if any.
extension StreamTableJoin: StoreUsing {
    func attach(stores: [String: KeyValueStore]) {
        if let store = stores.values.first { table = store }
    }
}
