// FunctionOperatorFactory: planning a C function called through libffi once per record.
import RivuletCore
import RivuletExecution
import RivuletManifest
import RivuletPlugins

/// Plans a `function:` operator: resolves its arguments against the input's fields and binds the symbol.
struct FunctionOperatorFactory: OperatorFactory {
    let function: FunctionSpec

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        let f = function
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "function operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        let arguments: [FFIOperator.Argument] = try f.arguments.map { a in
            switch a {
            case .field(let name):
                guard let i = input.index(of: name) else {
                    throw PlanError(
                        spec.location,
                        "'\(spec.name)': argument field '\(name)' is not in its input (fields: \(input))"
                            + DidYouMean.hint(name, among: input.fields.map(\.name)))
                }
                return .field(i)
            case .integer(let v): return .integer(v)
            case .double(let v): return .double(v)
            }
        }
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
            kind: "ffi \(f.symbol)(\(f.args.map(\.rawValue).joined(separator: ", "))) -> \(f.returns.rawValue) from \(f.library)")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "errors"]
        var output = Schema()
        for _ in 0..<spec.parallelism {
            let route = context.deadLetterRoute(for: spec.name, input: input)
            let op: FFIOperator
            do {
                let function = try FFIFunction(
                    library: f.library, symbol: f.symbol, arguments: f.args.map { FFIValueType($0) },
                    returns: FFIValueType(f.returns))
                op = try FFIOperator(
                    name: spec.name, function: function, arguments: arguments, outputFieldName: f.output,
                    inputSchema: input, batchCapacity: context.options.batchSize, deadLetters: route)
            } catch {
                throw PlanError(spec.location, "\(error)")
            }
            op.crashScope.setPosition(PluginOperatorFactory.positionPrefix(of: spec, inputs: ["in"], context.manifest))
            context.add(op, ports: ["out": op.output], route: route, to: node)
            output = op.output.schema
        }
        node.outputSchemas["out"] = output
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: input)
        return node
    }
}
