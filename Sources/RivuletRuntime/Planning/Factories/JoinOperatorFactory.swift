// JoinOperatorFactory: planning a join operator: its two inputs, key fields, output schema and ports.
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletJoins
import RivuletKafka
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
        // A Kafka application's join split by key reads both inputs through its repartition topic: their
        // schemas and time fields are those of the topic's two writers.
        let topic = context.manifest.internalTopics.first { $0.role == .repartition && $0.operatorName == spec.name && $0.joinSides != nil }
        let writers = topic.map { [$0.writer ?? "", $0.rightWriter ?? ""] }
        var sides: [String: Schema] =
            if let writers {
                ["left": context.plan.nodesByName[writers[0]]?.inputSchemas["in"], "right": context.plan.nodesByName[writers[1]]?.inputSchemas["in"]]
                    .compactMapValues { $0 }
            } else { inputs }
        // A foreign-key join's left-table stage has no right input.
        if join.foreignKeyStage == .leftTable { sides["right"] = Schema() }
        guard let left = sides["left"], let right = sides["right"] else {
            throw PlanError(spec.location, "join operator '\(spec.name)' needs an edge into '\(spec.name).left' and one into '\(spec.name).right'")
        }
        func field(_ name: String, _ schema: Schema, _ side: String) throws -> Int {
            guard let i = schema.index(of: name) else {
                throw PlanError(
                    spec.location,
                    "'\(spec.name)': field '\(name)' is not in its \(side) input (fields: \(schema))"
                        + DidYouMean.hint(name, among: schema.fields.map(\.name)))
            }
            return i
        }
        func timeField(_ port: String, _ schema: Schema) -> Int? {
            let feeding: (node: String, port: String) = writers.map { (node: $0[port == "left" ? 0 : 1], port: "in") } ?? (spec.name, port)
            return context.eventTimeField(feeding: feeding.node, port: feeding.port).flatMap { schema.index(of: $0) }
        }
        // A foreign-key join's last stage reads the changes its first stage took: their time field is
        // the left table's, whose writer feeds the first stage.
        let firstStageWriter = context.manifest.internalTopics.first {
            $0.role == .repartition && join.foreignKeyStage == .results && $0.operatorName == ForeignKeyStage.node(.leftTable, of: spec.name)
        }?.writer
        let leftTime =
            firstStageWriter.map { context.eventTimeField(feeding: $0, port: "in").flatMap { left.index(of: $0) } } ?? timeField("left", left)
        let rightTime = timeField("right", right)
        let kind = JoinKind(join.emit)
        let keyGroups = context.kafkaKeyGroups[spec.name].map { KeyGroups(maxParallelism: $0) } ?? KeyGroups()
        let stage: ForeignKeyJoinStagePlan?
        switch join.foreignKeyStage {
        case .leftTable:
            let pk = try field(join.leftPrimaryKey ?? join.leftKey, left, "left"), fk = try field(join.leftKey, left, "left")
            stage = .leftTable(
                make: { route in
                    ForeignKeyLeftTable(
                        name: spec.name, left: left, leftPK: pk, leftFK: fk, leftTime: leftTime,
                        subscriptions: ForeignKeyJoinStagePlan.subscriptionSchema(left: left, primaryKey: pk, foreignKey: fk),
                        rows: ForeignKeyJoinStagePlan.rowsSchema(left: left), batchCapacity: options.batchSize, deadLetters: route,
                        keyGroups: keyGroups)
                })
        case .rightTable:
            let rightKey = try field(join.rightKey, right, "right")
            stage = .rightTable(
                make: { route in
                    ForeignKeyRightTable(
                        name: spec.name, subscriptions: left, right: right, rightKey: rightKey, rightTime: rightTime,
                        answers: ForeignKeyJoinStagePlan.answerSchema(subscriptions: left, right: right, rightKey: rightKey, rightTime: rightTime),
                        batchCapacity: options.batchSize, deadLetters: route, keyGroups: keyGroups)
                })
        case .results:
            let pk = try field(join.leftPrimaryKey ?? join.leftKey, left, "left"), fk = try field(join.leftKey, left, "left")
            stage = .results(
                make: { route in
                    ForeignKeyJoinResults(
                        name: spec.name, kind: kind, left: left, answers: right, leftPK: pk, leftFK: fk, leftTime: leftTime,
                        batchCapacity: options.batchSize, deadLetters: route, keyGroups: keyGroups)
                })
        case nil:
            stage = nil
        }
        let leftKey = stage == nil ? try field(join.leftKey, left, "left") : 0
        let rightKey = stage == nil ? try field(join.rightKey, right, "right") : 0
        let pk = stage == nil ? try field(join.leftPrimaryKey ?? join.leftKey, left, "left") : 0
        let makeJoin = { (route: DeadLetterRoute) -> JoinOperator in
            if let stage {
                let op = stage.make(route)
                op.appliesLateTableChanges = join.lateTableChanges == .apply
                return op
            }
            let op: JoinOperator =
                switch join.kind {
                case .streamTable:
                    StreamTableJoin(
                        name: spec.name, kind: kind, left: left, right: right, leftKey: leftKey, rightKey: rightKey,
                        rightTime: rightTime, batchCapacity: options.batchSize, deadLetters: route, keyGroups: keyGroups)
                case .tableTable:
                    TableTableJoin(
                        name: spec.name, kind: kind, left: left, right: right, leftPK: pk, leftFK: leftKey, rightKey: rightKey,
                        leftTime: leftTime, rightTime: rightTime, batchCapacity: options.batchSize, deadLetters: route, keyGroups: keyGroups)
                case .streamStream:
                    StreamStreamJoin(
                        name: spec.name, kind: kind, left: left, right: right, leftKey: leftKey, rightKey: rightKey,
                        within: join.within ?? 0, grace: join.grace, batchCapacity: options.batchSize, deadLetters: route, keyGroups: keyGroups)
                }
            // Only tables' late changes are applied (stream_stream has no table input).
            op.appliesLateTableChanges = join.lateTableChanges == .apply
            op.latenessByOperatorWatermark = join.lateness == .operator
            return op
        }
        let joinText =
            if let stage { stage.describe(join) } else {
                switch join.kind {
                case .streamTable: "\(join.emit.rawValue) stream–table join on \(join.leftKey) = \(join.rightKey)"
                case .tableTable: "\(join.emit.rawValue) table–table join on \(join.leftKey) = \(join.rightKey)"
                case .streamStream:
                    "\(join.emit.rawValue) stream–stream join on \(join.leftKey) = \(join.rightKey) within \(Limit.durationText(join.within ?? 0))"
                }
            }
        let text = joinText + (topic.map { ", one per partition of \($0.name)" } ?? "")
        let route = context.deadLetterRoute(for: spec.name, input: left)
        let node = PlannedNode(name: spec.name, role: .operator, parallelism: 1, location: spec.location, kind: text)
        node.inputPorts = ["left", "right"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "late_left", "late_right"]
        let prototype = makeJoin(route)
        node.outputSchemas = ["out": prototype.out.schema, "late_left": left, "late_right": right]
        // A foreign-key join's first stage also passes the changes it takes on (`rows`).
        for port in prototype.additionalPorts {
            node.outputPorts.append(port.name)
            node.outputSchemas[port.name] = port.schema
        }
        if let topic, let reader = topic.reader {
            // One join per partition of the repartition topic, each on that partition's watermark.
            prototype.close()
            var ports = [
                "out": OutputPort(name: "out", schema: prototype.out.schema, batchCapacity: options.batchSize),
                "late_left": OutputPort(name: "late_left", schema: left, batchCapacity: options.batchSize),
                "late_right": OutputPort(name: "late_right", schema: right, batchCapacity: options.batchSize),
            ]
            for port in prototype.additionalPorts {
                ports[port.name] = OutputPort(name: port.name, schema: port.schema, batchCapacity: options.batchSize)
            }
            let markers = (context.plan.nodesByName[reader]?.source?.source as? KafkaSource)?.watermarkMarkers
            let groupWatermark = { (group: Int) in markers?.watermark(of: Int32(group)) ?? .min }
            // Every instance counts its late table changes in the node's counters.
            let taken = prototype.lateTableChanges, superseded = prototype.lateTableChangesSuperseded
            let inner = PerGroupOperator(name: spec.name, ports: ports, groupWatermark: groupWatermark) { _ in
                let op = makeJoin(route)
                // Its table goes to the changelog topic with the rest of its state.
                (op as? StreamTableJoin)?.savesTableRows = true
                op.lateTableChanges = taken
                op.lateTableChangesSuperseded = superseded
                var instancePorts = ["out": op.out, "late_left": op.lateLeft, "late_right": op.lateRight]
                for port in op.additionalPorts { instancePorts[port.name] = port }
                return (op, instancePorts)
            }
            let partitions = KafkaJoinPartitions(
                name: spec.name, inner: inner, left: left, right: right, lateTableChanges: taken, lateTableChangesSuperseded: superseded)
            context.add(partitions, ports: ports, route: route, to: node)
            return node
        }
        prototype.stampsResultPositions = options.latency != nil
        var ports = ["out": prototype.out, "late_left": prototype.lateLeft, "late_right": prototype.lateRight]
        for port in prototype.additionalPorts { ports[port.name] = port }
        context.add(prototype, ports: ports, route: route, to: node)
        return node
    }
}

/// A join reports its late table changes (taken, and left out as superseded).
extension JoinOperator: CounterReporting {
    func counterSnapshot() -> [(name: String, value: Int64)] {
        [(lateTableChanges.name, lateTableChanges.value), (lateTableChangesSuperseded.name, lateTableChangesSuperseded.value)]
    }
}

/// A stream–table join keeps its table in the store the manifest names (`stores:`), if any.
extension StreamTableJoin: StoreUsing {
    func attach(stores: [String: KeyValueStore]) {
        if let store = stores.values.first { table = store }
    }
}
