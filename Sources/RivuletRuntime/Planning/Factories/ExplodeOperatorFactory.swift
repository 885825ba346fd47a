// ExplodeOperatorFactory: planning an `explode:` operator: the array field and its elements' schema.
import RivuletCore
import RivuletExecution
import RivuletExpressions
import RivuletManifest

/// Plans an `explode` operator: its field must be an array field its source declares
/// (`items: [ { sku: string } ]`); the output is the input without it, then the elements' fields.
struct ExplodeOperatorFactory: OperatorFactory {
    let field: String

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "explode operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        guard let index = input.index(of: field) else {
            let names = input.fields.map(\.name)
            throw PlanError(
                spec.location,
                "explode '\(spec.name)': no field '\(field)' in its input (fields: \(names.joined(separator: ", ")))"
                    + DidYouMean.hint(field, among: names))
        }
        guard let elements = Self.arrayElements(of: field, feeding: spec.name, context.manifest) else {
            throw PlanError(
                spec.location,
                "explode '\(spec.name)': field '\(field)' is not an array: declare it in the source's schema as [type] or [ { field: type, … } ] (format jsonl)"
            )
        }
        let scalar = elements.count == 1 && elements[0].name.isEmpty
        let elementSchema = Schema(elements.map { FieldDefinition(name: scalar ? "value" : $0.name, type: $0.type) })
        let node = PlannedNode(name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location, kind: "explode \(field)")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out"]
        var output = Schema()
        for _ in 0..<spec.parallelism {
            let route = context.deadLetterRoute(for: spec.name, input: input)
            let op = ExplodeOperator(
                name: spec.name, input: input, arrayField: index, elementSchema: elementSchema, scalar: scalar,
                batchCapacity: context.options.batchSize, deadLetters: route)
            context.add(op, ports: ["out": op.out], route: route, to: node)
            output = op.out.schema
        }
        node.outputSchemas = ["out": output]
        return node
    }

    /// The element fields of array field `field` as the source upstream of `node` declares them (nil: not
    /// an array). Follows single-input chains back to the source, as the field keeps its name.
    static func arrayElements(of field: String, feeding node: String, _ manifest: Manifest) -> [FieldSpec]? {
        var current = node
        var seen: Set<String> = []
        while seen.insert(current).inserted {
            let incoming = manifest.edges.filter { $0.to.node == current }
            guard incoming.count == 1 else { return nil }
            let from = incoming[0].from.node
            if let source = manifest.sources.first(where: { $0.name == from }) {
                return source.schema?.first { $0.name == field }?.elements
            }
            current = from
        }
        return nil
    }
}
