// WindowOperatorFactory: planning a window operator: its key, its aggregates (built-in or a plugin's), its ports.
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletKafka
import RivuletManifest
import RivuletPlugins
import RivuletWindows

/// Plans a `window:` operator: the key it groups by (and partitions by, when parallel), each aggregate
/// (built in, or a plugin's), one instance per parallel slot.
struct WindowOperatorFactory: OperatorFactory {
    let window: WindowSpec

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        let plan = context.plan
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "window operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        func field(_ name: String, _ location: SourceLocation, numeric: Bool = false) throws -> Int {
            guard let i = input.index(of: name) else {
                throw PlanError(
                    location,
                    "'\(spec.name)': field '\(name)' is not in its input (fields: \(input))" + DidYouMean.hint(name, among: input.fields.map(\.name)))
            }
            if numeric, ![.i64, .f64, .timestamp, .bool].contains(input.fields[i].type) {
                throw PlanError(
                    location, "'\(spec.name)': field '\(name)' is \(input.fields[i].type), not a number; declare it i64 or f64 in the source's schema"
                )
            }
            return i
        }
        let keyField = try window.keyBy.map { try field($0, spec.location) }
        if keyField == nil && spec.parallelism > 1 {
            throw PlanError(
                spec.location,
                "window operator '\(spec.name)' groups all records together (no key_by), so it cannot run with parallelism \(spec.parallelism)")
        }
        let kindText: String =
            switch window.kind {
            case .tumbling(let size): "tumbling \(Limit.durationText(size))"
            case .hopping(let size, let advance): "hopping \(Limit.durationText(size)) every \(Limit.durationText(advance))"
            case .sliding(let size): "sliding \(Limit.durationText(size))"
            case .session(let gap): "session gap \(Limit.durationText(gap))"
            }
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
            kind:
                "window \(kindText), grace \(Limit.durationText(window.grace)), emit \(window.emit.rawValue)\(window.keyBy.map { " by \($0)" } ?? "")"
        )
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "late", "errors"]
        node.partitionField = keyField
        var output = Schema()
        func makeWindow(_ route: DeadLetterRoute) throws -> WindowOperator {
            let aggregates = try window.aggregates.map { a -> (name: String, aggregate: WindowAggregate) in
                let made = try aggregate(a, spec: spec, input: input, plan: plan, field: field)
                // `… where <condition>`: its bool field was computed before the window (`insertExpressionNodes`).
                guard let text = a.condition, let condition = input.index(of: a.conditionField) else { return (a.output, made) }
                guard input.fields[condition].type == .bool else {
                    throw PlanError(
                        text.location, "aggregate '\(a.output)': the condition after 'where' is \(input.fields[condition].type), not bool")
                }
                return (a.output, ConditionalAggregate(made, condition: condition))
            }
            let op = WindowOperator(
                name: spec.name, kind: WindowKind(window.kind), grace: window.grace, mode: EmitMode(window.emit), keyField: keyField,
                keyName: window.keyBy, inputSchema: input, aggregates: aggregates, batchCapacity: context.options.batchSize,
                deadLetters: route,
                // The key groups its partitioned input routes by (Planner+Wiring: the default, for now); in a
                // Kafka application, the partitions of its repartition topic.
                keyGroups: context.kafkaKeyGroups[spec.name].map { KeyGroups(maxParallelism: $0) } ?? KeyGroups())
            op.stampsResultPositions = context.options.latency != nil
            return op
        }
        if context.kafkaKeyGroups[spec.name] != nil {
            // A Kafka application's window: one window per partition of its repartition topic, each on
            // that partition's watermark.
            let route = context.deadLetterRoute(for: spec.name, input: input)
            let prototype = try makeWindow(route)
            output = prototype.out.schema
            prototype.close()
            let ports = [
                "out": OutputPort(name: "out", schema: output, batchCapacity: context.options.batchSize),
                "late": OutputPort(name: "late", schema: input, batchCapacity: context.options.batchSize),
            ]
            let reader = context.manifest.internalTopics.first { $0.role == .repartition && $0.operatorName == spec.name }?.reader ?? ""
            let markers = (plan.nodesByName[reader]?.source?.source as? KafkaSource)?.watermarkMarkers
            let groupWatermark = { (group: Int) in markers?.watermark(of: Int32(group)) ?? .min }
            let op = PerGroupOperator(name: spec.name, ports: ports, groupWatermark: groupWatermark) { _ in
                let w = try makeWindow(route)
                return (w, ["out": w.out, "late": w.late])
            }
            context.add(op, ports: ports, route: route, to: node)
        } else {
            for _ in 0..<spec.parallelism {
                let route = context.deadLetterRoute(for: spec.name, input: input)
                let op = try makeWindow(route)
                context.add(op, ports: ["out": op.out, "late": op.late], route: route, to: node)
                output = op.out.schema
            }
        }
        node.outputSchemas["out"] = output
        node.outputSchemas["late"] = input
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: input)
        return node
    }

    private func aggregate(
        _ a: AggregateSpec, spec: OperatorSpec, input: Schema, plan: ExecutionPlan,
        field: (String, SourceLocation, Bool) throws -> Int
    ) throws -> WindowAggregate {
        let fields = a.arguments.compactMap { if case .field(let f) = $0 { f } else { nil } }
        if let pluginName = a.plugin {
            guard let plugin = plan.plugins[pluginName] else { throw PlanError(a.location, "plugin '\(pluginName)' is not loaded") }
            let indexes = try fields.map { try field($0, a.location, false) }
            do {
                let aggregate = try PluginAggregate(plugin: plugin, name: a.function, inputFields: indexes, inputSchema: input)
                aggregate.crashScope.describe("aggregate '\(a.function)' of \(plugin.path) (window '\(spec.name)', output '\(a.output)')")
                aggregate.crashScope.setPosition(PluginOperatorFactory.positionPrefix(of: spec, inputs: ["in"], plan.manifest))
                return aggregate
            } catch {
                throw PlanError(a.location, "aggregate '\(a.output)': \((error as? OperatorFailure)?.message ?? "\(error)")")
            }
        }
        switch a.function {
        case "count":
            return CountAggregate()
        case "sum":
            let i = try field(fields[0], a.location, true)
            return SumAggregate(field: i, type: input.fields[i].type)
        case "min", "max":
            let i = try field(fields[0], a.location, true)
            return ExtremumAggregate(field: i, type: input.fields[i].type, largest: a.function == "max")
        case "avg":
            let i = try field(fields[0], a.location, true)
            return AverageAggregate(field: i, type: input.fields[i].type)
        case "percentile":
            let i = try field(fields[0], a.location, true)
            let p: Double =
                switch a.arguments[1] {
                case .integer(let v): Double(v)
                case .double(let v): v
                case .field: 0
                }
            return PercentileAggregate(field: i, percentile: p)
        case "top":
            let label = try field(fields[0], a.location, false)
            let measure = try field(fields[1], a.location, true)
            guard case .integer(let n) = a.arguments[2] else { throw PlanError(a.location, "top: n must be an integer") }
            return TopAggregate(label: label, measure: measure, measureType: input.fields[measure].type, count: Int(n))
        default:
            throw PlanError(a.location, "unknown aggregate '\(a.function)'")
        }
    }
}

extension WindowOperator: WindowReporting {}
