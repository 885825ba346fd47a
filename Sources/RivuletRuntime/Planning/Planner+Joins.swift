// Planner+Joins: planning a join operator: its two inputs, key fields, output schema and ports.
import RivuletCore
import RivuletJoins
import RivuletManifest

extension Planner {
    func planJoin(_ spec: OperatorSpec, _ join: JoinSpec, _ inputs: [String: Schema], _ plan: ExecutionPlan) throws -> PlannedNode {
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
        let leftTime = eventTimeField(feeding: spec.name, port: "left").flatMap { left.index(of: $0) }
        let rightTime = eventTimeField(feeding: spec.name, port: "right").flatMap { right.index(of: $0) }
        let leftKey = try field(join.leftKey, left, "left")
        let rightKey = try field(join.rightKey, right, "right")
        let kind = JoinKind(join.emit)
        let op: JoinOperator
        let text: String
        switch join.kind {
        case .streamTable:
            op = StreamTableJoin(name: spec.name, kind: kind, left: left, right: right, leftKey: leftKey, rightKey: rightKey,
                                 rightTime: rightTime, batchCapacity: options.batchSize)
            text = "\(join.emit.rawValue) stream–table join on \(join.leftKey) = \(join.rightKey)"
        case .tableTable:
            let pk = try field(join.leftPrimaryKey ?? join.leftKey, left, "left")
            op = TableTableJoin(name: spec.name, kind: kind, left: left, right: right, leftPK: pk, leftFK: leftKey, rightKey: rightKey,
                                leftTime: leftTime, rightTime: rightTime, batchCapacity: options.batchSize)
            text = "\(join.emit.rawValue) table–table join on \(join.leftKey) = \(join.rightKey)"
        case .streamStream:
            op = StreamStreamJoin(name: spec.name, kind: kind, left: left, right: right, leftKey: leftKey, rightKey: rightKey,
                                  within: join.within ?? 0, grace: join.grace, batchCapacity: options.batchSize)
            text = "\(join.emit.rawValue) stream–stream join on \(join.leftKey) = \(join.rightKey) within \(join.within ?? 0) ms"
        }
        op.stampsResultPositions = options.latency != nil
        let node = PlannedNode(name: spec.name, role: .operator, parallelism: 1, location: spec.location, kind: text)
        node.inputPorts = ["left", "right"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "late_left", "late_right"]
        node.instances = [op]
        node.outputsByInstance = [["out": op.out, "late_left": op.lateLeft, "late_right": op.lateRight]]
        node.outputSchemas = ["out": op.out.schema, "late_left": left, "late_right": right]
        let route = makeRoute(spec.name, left, plan)
        op.deadLetters = route
        node.deadLetterRoutes = [route]
        return node
    }

    func planTable(_ spec: OperatorSpec, _ table: TableSpec, _ inputs: [String: Schema], _ plan: ExecutionPlan) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "table operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        guard let key = input.index(of: table.key) else {
            throw PlanError(spec.location, "'\(spec.name)': key field '\(table.key)' is not in its input (fields: \(input))")
        }
        let time = eventTimeField(feeding: spec.name, port: "in").flatMap { input.index(of: $0) }
        let op = TableOperator(name: spec.name, schema: input, key: key, timeField: time, batchCapacity: options.batchSize)
        op.stampsResultPositions = options.latency != nil
        let node = PlannedNode(name: spec.name, role: .operator, parallelism: 1, location: spec.location,
                               kind: "table keyed by \(table.key) (its changes out)")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out"]
        node.instances = [op]
        node.outputsByInstance = [["out": op.out]]
        node.outputSchemas = ["out": input]
        let route = makeRoute(spec.name, input, plan)
        op.deadLetters = route
        node.deadLetterRoutes = [route]
        return node
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
}
