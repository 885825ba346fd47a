// Planner+Lookups: planning a Redis lookup operator: the key field, the added fields, cache and client.
import RivuletCore
import RivuletLookup
import RivuletManifest

extension Planner {
    func planLookup(_ spec: OperatorSpec, _ lookup: LookupSpec, _ inputs: [String: Schema], _ plan: ExecutionPlan) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "lookup operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        guard let keyField = input.index(of: lookup.key) else {
            throw PlanError(spec.location, "'\(spec.name)': key field '\(lookup.key)' is not in its input (fields: \(input))")
        }
        if let clash = lookup.fields.first(where: { input.index(of: $0.name) != nil }) {
            throw PlanError(clash.location, "'\(spec.name)': looked-up field '\(clash.name)' is already a field of its input")
        }
        let node = PlannedNode(name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
                               kind: "redis lookup \(lookup.host):\(lookup.port) \(lookup.command.rawValue) \(lookup.keyPrefix)<\(lookup.key)>")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "errors"]
        for _ in 0..<spec.parallelism {
            let op = RedisLookupOperator(
                name: spec.name, client: RedisClient(host: lookup.host, port: Int32(lookup.port), timeoutMilliseconds: Int(lookup.timeout)),
                inputSchema: input, keyField: keyField, prefix: lookup.keyPrefix, command: lookup.command == .hash ? .hash : .string,
                fields: lookup.fields.map { ($0.name, FieldType(name: $0.type.rawValue)!) },
                cache: LRUCache(maxEntries: lookup.cacheEntries, maxBytes: lookup.cacheBytes, ttl: lookup.cacheTTL),
                batchLimit: lookup.batch, onError: lookup.onError == .fail ? .fail : .deadLetter, dropMissing: lookup.onMissing == .drop,
                batchCapacity: options.batchSize)
            op.deadLetters = addInstance(op, ports: ["out": op.out], to: node, input: input, plan)
        }
        node.outputSchemas["out"] = (node.instances[0] as! RedisLookupOperator).out.schema
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: input)
        return node
    }
}
