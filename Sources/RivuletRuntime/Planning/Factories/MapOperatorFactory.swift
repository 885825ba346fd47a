// MapOperatorFactory: planning a `map:` operator: its output schema and each computed field's expression.
import RivuletCore
import RivuletExecution
import RivuletExpressions
import RivuletManifest

/// Plans a `map` operator: the input's fields renamed and without the dropped ones, a `set` field of the
/// same name replaced in place (with its expression's type), new ones appended in the order written.
struct MapOperatorFactory: OperatorFactory {
    let map: MapSpec

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "map operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        let names = input.fields.map(\.name)
        var errors: [PlanError] = []
        for named in map.drop + map.rename where input.index(of: named.name) == nil {
            errors.append(
                PlanError(
                    named.location,
                    "map '\(spec.name)': no field '\(named.name)' in its input (fields: \(names.joined(separator: ", ")))"
                        + DidYouMean.hint(named.name, among: names)))
        }
        let dropped = Set(map.drop.map(\.name))
        var fields: [(name: String, type: FieldType, source: MapOperator.Source)] = []
        for (i, f) in input.fields.enumerated() where !dropped.contains(f.name) {
            fields.append((map.rename.first { $0.name == f.name }?.to ?? f.name, f.type, .input(i)))
        }
        for assignment in map.set {
            do {
                let e = try FilterOperatorFactory.compile(
                    assignment.expression, input, what: assignment.describedAs ?? "map '\(spec.name)', field '\(assignment.name)'")
                if assignment.isCondition, e.type != .bool, e.type != .null {
                    throw PlanError(
                        assignment.expression.location, "\(assignment.describedAs ?? assignment.name): the condition is \(e.type), not bool")
                }
                guard e.type != .null else {
                    throw PlanError(
                        assignment.expression.location,
                        "map '\(spec.name)', field '\(assignment.name)': the type of null is unknown: write i64(null), f64(null) or string(null)")
                }
                if let k = fields.firstIndex(where: { $0.name == assignment.name }) {
                    fields[k] = (assignment.name, e.type, .computed(e))
                } else {
                    fields.append((assignment.name, e.type, .computed(e)))
                }
            } catch let error as PlanError {
                errors.append(error)
            }
        }
        var seen: Set<String> = []
        for f in fields where !seen.insert(f.name).inserted {
            errors.append(PlanError(spec.location, "map '\(spec.name)': two output fields are named '\(f.name)'"))
        }
        if let first = errors.first { throw errors.count == 1 ? first as Error : ManifestErrors(errors) }
        let output = Schema(fields.map { FieldDefinition(name: $0.name, type: $0.type) })
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location, kind: "map")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out"]
        for i in 0..<spec.parallelism {
            let route = context.deadLetterRoute(for: spec.name, input: input)
            // Each instance its own compiled trees: the nodes keep buffers, and instances run on their own threads.
            let sources = try fields.map { f -> MapOperator.Source in
                guard i > 0, case .computed(let e) = f.source else { return f.source }
                return .computed(try CompiledExpression(e.text, schema: input))
            }
            let op = MapOperator(
                name: spec.name, output: output, sources: sources, batchCapacity: context.options.batchSize, deadLetters: route)
            context.add(op, ports: ["out": op.out], route: route, to: node)
        }
        node.outputSchemas = ["out": output]
        return node
    }
}
