// FilterOperatorFactory: planning a `filter:` operator: its expression compiled against its input.
import RivuletCore
import RivuletExecution
import RivuletExpressions
import RivuletManifest

/// Plans a `filter` operator: a bool expression over its input's fields (errors at the character of
/// the expression they are about), ports `out` and `rejected` with the input's schema.
struct FilterOperatorFactory: OperatorFactory {
    let expression: ExpressionText

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "filter operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        let predicate = try Self.compile(expression, input, what: "filter '\(spec.name)'")
        guard predicate.type == .bool || predicate.type == .null else {
            throw PlanError(
                expression.location,
                "filter '\(spec.name)': the expression is \(predicate.type), not bool (a filter keeps the records where it is true)")
        }
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location, kind: "filter \(expression.text)")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "rejected"]
        for i in 0..<spec.parallelism {
            let route = context.deadLetterRoute(for: spec.name, input: input)
            // Each instance its own compiled tree: the nodes keep buffers, and instances run on their own threads.
            let own = i == 0 ? predicate : try Self.compile(expression, input, what: "filter '\(spec.name)'")
            let op = FilterOperator(
                name: spec.name, predicate: own, schema: input, batchCapacity: context.options.batchSize, deadLetters: route)
            context.add(op, ports: ["out": op.out, "rejected": op.rejected], route: route, to: node)
        }
        node.outputSchemas = ["out": input, "rejected": input]
        return node
    }

    /// `expression` compiled against `schema`; a mistake is reported at its character in the manifest.
    static func compile(_ expression: ExpressionText, _ schema: Schema, what: String) throws -> CompiledExpression {
        do {
            return try CompiledExpression(expression.text, schema: schema)
        } catch {
            throw PlanError(expression.location(at: error.offset), "\(what): \(error.message)")
        }
    }
}
