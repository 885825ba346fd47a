// Planner+Nodes: planning each kind of node: sources, plugin and FFI operators, sinks.
import CRivulet
import Foundation
import RivuletCore
import RivuletManifest
import RivuletPlugins

extension Planner {
    func planSource(_ spec: SourceSpec, _ plan: ExecutionPlan) throws -> PlannedNode {
        let node: PlannedNode
        let timeText: String = switch spec.time?.kind {
        case .event(let field, let format)?: ", event time \(field) (\(format.rawValue))"
        case .extractor(let plugin, let function, let arguments)?: ", event time \(plugin).\(function)(\(arguments.joined(separator: ", ")))"
        case .logAppend?: ", log-append time"
        case .processing?: ", processing time"
        case nil: ""
        }
        let boundText = spec.time.map { ", watermark max − \($0.maxOutOfOrder) ms\($0.idleTimeout.map { ", idle after \($0) ms" } ?? "")" } ?? ""
        let time = timeText + boundText
        let source: RecordSource
        switch spec.kind {
        case .generator(let g):
            node = PlannedNode(name: spec.name, role: .source, parallelism: 1, location: spec.location,
                               kind: "generator (\(g.count) records, \(g.keys) keys)\(time)")
            source = GeneratorSource(name: spec.name, count: g.count, seed: g.seed, keys: g.keys, rate: g.rate)
        case .file where options.generatorOverride != nil && spec.schema != nil:
            // A benchmark's generator replaces the file: its declared fields are all it needs.
            node = PlannedNode(name: spec.name, role: .source, parallelism: 1, location: spec.location, kind: "file (not read)")
            source = DeclaredShape(name: spec.name, schema: Schema(spec.schema!.map { FieldDefinition(name: $0.name, type: $0.type) }))
        case .file(let path):
            node = PlannedNode(name: spec.name, role: .source, parallelism: 1, location: spec.location,
                               kind: "file \((path as NSString).lastPathComponent) (\(spec.format.rawValue))\(time)")
            let reader: LineReader
            let prefix = manifest.directory.hasSuffix("/") ? manifest.directory : manifest.directory + "/"
            let display = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
            do { reader = try LineReader(path: path, displayName: display, csvDelimiter: spec.format == .csv ? spec.delimiter : nil) } catch {
                throw PlanError(spec.location, "source '\(spec.name)': \(error)")
            }
            source = try textSource(spec, reader: reader)
        case .stdin:
            node = PlannedNode(name: spec.name, role: .source, parallelism: 1, location: spec.location,
                               kind: "stdin (\(spec.format.rawValue))\(time)")
            source = try textSource(spec, reader: LineReader(descriptor: 0, name: "stdin", csvDelimiter: spec.format == .csv ? spec.delimiter : nil))
        }
        if let override = options.generatorOverride {
            return try planGenerated(spec, override, replacing: source, node: node, plan)
        }
        node.source = source
        node.timeAssigner = try timeAssigner(spec, schema: source.schema, plan)
        node.sourceBatchSize = spec.batchSize
        node.outputPorts = ["out"]
        node.outputSchemas["out"] = source.schema
        node.deadLetterRoutes = [DeadLetterRoute(node: spec.name, sink: plan.deadLetters, errorsPort: nil, inputSchema: nil)]
        return node
    }

    /// A benchmark's stand-in for `spec`: a generator of the same shape (see `GeneratorOverride`), whose
    /// records carry their event time in `rv_record.timestamp` (so a time extractor is not needed), with
    /// the declared out-of-orderness bound; log-append and processing time stay as declared.
    private func planGenerated(_ spec: SourceSpec, _ override: GeneratorOverride, replacing original: RecordSource,
                               node: PlannedNode, _ plan: ExecutionPlan) throws -> PlannedNode {
        original.close()
        let index = manifest.sources.firstIndex { $0.name == spec.name } ?? 0
        let seed = override.seed &+ UInt64(index)
        let generator: RecordSource
        let schedule: PacingSchedule
        if case .generator = spec.kind {
            let g = GeneratorSource(name: spec.name, count: override.events, seed: seed, keys: override.keys, rate: override.rate,
                                    partition: Int32(index))
            (generator, schedule) = (g, g.schedule)
        } else {
            let schema = original.schema
            guard !schema.isEmpty else {
                throw PlanError(spec.location, "source '\(spec.name)': cannot generate records for a source without fields (format lines); give it a schema")
            }
            var timeField: (index: Int, encoding: TimestampAssigner.Encoding)?
            if case let .event(field, format)? = spec.time?.kind, let i = schema.index(of: field) {
                timeField = (i, TimestampAssigner.Encoding(format))
            }
            let g = SchemaGenerator(name: spec.name, schema: schema, count: override.events, seed: seed, keys: override.keys,
                                    rate: override.rate, partition: Int32(index), timeField: timeField)
            (generator, schedule) = (g, g.schedule)
        }
        let generated = PlannedNode(name: spec.name, role: .source, parallelism: 1, location: spec.location,
                                    kind: "generated in place of \(node.kind): \(override.events) records, \(override.keys) keys\(override.rate.map { String(format: ", %.0f records/s", $0) } ?? "")")
        generated.source = generator
        switch spec.time?.kind {
        case .logAppend?, .processing?: generated.timeAssigner = try timeAssigner(spec, schema: generator.schema, plan)
        default:
            generated.timeAssigner = TimestampAssigner(
                origin: .recordTimestamp,
                bound: spec.time?.maxOutOfOrder ?? 0, idleTimeout: spec.time?.idleTimeout)
        }
        generated.sourceBatchSize = spec.batchSize
        generated.outputPorts = ["out"]
        generated.outputSchemas["out"] = generator.schema
        generated.deadLetterRoutes = [DeadLetterRoute(node: spec.name, sink: plan.deadLetters, errorsPort: nil, inputSchema: nil)]
        if let latency = options.latency {
            while latency.schedules.count <= index { latency.schedules.append(nil) }
            latency.schedules[index] = schedule
        }
        return generated
    }

    /// The source's time: as declared; by default processing time (generators: event time from `ts`).
    private func timeAssigner(_ spec: SourceSpec, schema: Schema, _ plan: ExecutionPlan) throws -> TimestampAssigner {
        guard let time = spec.time else {
            if case .generator = spec.kind {
                // The generator stamps each record's timestamp with its `ts` field itself.
                return TimestampAssigner(origin: .recordTimestamp, bound: 0)
            }
            return TimestampAssigner(origin: .processing, bound: 0)
        }
        switch time.kind {
        case let .event(field, format):
            guard let index = schema.index(of: field) else {
                throw PlanError(time.location, "source '\(spec.name)': time field '\(field)' is not one of its fields (\(schema))")
            }
            return TimestampAssigner(origin: .field(index: index, name: field, encoding: TimestampAssigner.Encoding(format)),
                                     bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout)
        case let .extractor(pluginName, function, arguments):
            guard let plugin = plan.plugins[pluginName] else { throw PlanError(time.location, "plugin '\(pluginName)' is not loaded") }
            let fields = try arguments.map { a in
                guard let i = schema.index(of: a) else {
                    throw PlanError(time.location, "source '\(spec.name)': extractor argument '\(a)' is not one of its fields (\(schema))")
                }
                return i
            }
            let call: PluginFunction
            do {
                call = try PluginFunction(plugin: plugin, name: function, fields: fields, inputSchema: schema)
            } catch {
                throw PlanError(time.location, "source '\(spec.name)': extractor: \((error as? OperatorFailure)?.message ?? "\(error)")")
            }
            let extract: (UnsafePointer<rv_record>) -> Result<Int64, TimestampAssigner.ExtractionFailure> = { record in
                switch call.call(record) {
                case .failure(let failure): return .failure(.init(failure.message, fatal: !failure.recordOnly))
                case .success(let f) where f.type == FieldType.i64.rawValue || f.type == FieldType.timestamp.rawValue:
                    return .success(f.value.i64)
                case .success(let f) where f.type == FieldType.f64.rawValue && f.value.f64.isFinite && abs(f.value.f64) < 9e15:
                    return .success(Int64(f.value.f64.rounded(.down)))
                case .success:
                    return .failure(.init("returned no time (a NULL or non-numeric value)"))
                }
            }
            return TimestampAssigner(origin: .computed(name: "\(pluginName).\(function)", extract: extract),
                                     bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout)
        case .logAppend:
            return TimestampAssigner(origin: .logAppend, bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout)
        case .processing:
            return TimestampAssigner(origin: .processing, bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout)
        }
    }

    /// A text source: the schema is declared, or (CSV with a header and no schema) every header column as
    /// a string; the header line is read here, once.
    private func textSource(_ spec: SourceSpec, reader: LineReader) throws -> RecordSource {
        let declared = spec.schema.map { Schema($0.map { FieldDefinition(name: $0.name, type: $0.type) }) }
        let keyIndex = { (schema: Schema) in spec.key.flatMap { schema.index(of: $0) } }
        switch spec.format {
        case .lines:
            return TextSource(name: spec.name, reader: reader, schema: Schema(), decoder: RawLineDecoder())
        case .jsonl:
            guard let schema = declared else {
                throw PlanError(spec.location, "source '\(spec.name)': a jsonl source needs a schema")
            }
            return TextSource(name: spec.name, reader: reader, schema: schema, decoder: JSONLinesDecoder(schema: schema, keyField: keyIndex(schema)))
        case .csv:
            if spec.header {
                let line: UnsafeRawBufferPointer?
                do { line = try reader.next() } catch { throw PlanError(spec.location, "source '\(spec.name)': \(error)") }
                guard let line else {
                    throw PlanError(spec.location, "source '\(spec.name)': \(reader.path) is empty but header: true expects a header line")
                }
                let header = CSVDecoder.splitHeader(line, delimiter: spec.delimiter)
                let schema = declared ?? Schema(header.map { FieldDefinition(name: $0, type: .string) })
                if let key = spec.key, schema.index(of: key) == nil {
                    throw PlanError(spec.location, "source '\(spec.name)': key '\(key)' is not a column of \(reader.path)")
                }
                do {
                    let decoder = try CSVDecoder(schema: schema, header: header, delimiter: spec.delimiter, keyField: keyIndex(schema))
                    return TextSource(name: spec.name, reader: reader, schema: schema, decoder: decoder)
                } catch {
                    throw PlanError(spec.location, "source '\(spec.name)': \(reader.path):1: \(error)")
                }
            }
            guard let schema = declared else {
                throw PlanError(spec.location, "source '\(spec.name)': a CSV source without a header needs a schema")
            }
            return TextSource(name: spec.name, reader: reader, schema: schema,
                              decoder: CSVDecoder(schema: schema, delimiter: spec.delimiter, keyField: keyIndex(schema)))
        }
    }

    func planOperator(_ spec: OperatorSpec, _ plan: ExecutionPlan) throws -> PlannedNode {
        let inputs = try inputSchemas(of: spec.name, location: spec.location, plan)
        switch spec.kind {
        case let .plugin(pluginName, operatorName):
            guard let plugin = plan.plugins[pluginName] else { throw PlanError(spec.location, "plugin '\(pluginName)' is not loaded") }
            guard let info = plugin.operatorInfo(named: operatorName) else {
                throw PlanError(spec.location, "plugin '\(pluginName)' (\(plugin.path)) has no operator '\(operatorName)'; it has: \(plugin.operators.map(\.name).joined(separator: ", "))")
            }
            for port in inputs.keys where !info.inputs.contains(port) {
                let edge = manifest.edges.first { $0.to.node == spec.name && $0.to.port == port }
                throw PlanError(edge?.location ?? spec.location, "operator '\(spec.name)' (\(operatorName)) has no input port '\(port)' (ports: \(info.inputs.joined(separator: ", ")))")
            }
            let node = PlannedNode(name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
                                   kind: "\(plugin.name)/\(operatorName)")
            node.inputPorts = info.inputs
            node.inputSchemas = inputs
            node.outputPorts = info.outputs + ["errors"]
            let inputList = info.inputs.map { inputs[$0] ?? Schema() }
            for i in 0..<spec.parallelism {
                let instance: PluginOperator
                do {
                    instance = try PluginOperator(
                        name: spec.parallelism > 1 ? "\(spec.name)#\(i)" : spec.name, plugin: plugin, info: info,
                        config: PluginConfig.entries(spec.config, json: spec.configJSON), inputSchemas: inputList, batchCapacity: options.batchSize,
                        stores: spec.stores)
                } catch {
                    throw PlanError(spec.location, "\(error)")
                }
                var ports: [String: OutputPort] = [:]
                for port in instance.outputs { ports[port.name] = port }
                instance.deadLetters = addInstance(instance, ports: ports, to: node, input: inputList.first ?? Schema(), plan)
            }
            for port in node.outputsByInstance[0].values { node.outputSchemas[port.name] = port.schema }
            node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: inputList.first ?? Schema())
            return node
        case .function(let f):
            return try planFunction(spec, f, inputs, plan)
        case .window(let w):
            return try planWindow(spec, w, inputs, plan)
        case .join(let j):
            return try planJoin(spec, j, inputs, plan)
        case .lookup(let l):
            return try planLookup(spec, l, inputs, plan)
        case .table(let t):
            return try planTable(spec, t, inputs, plan)
        }
    }

    private func planFunction(_ spec: OperatorSpec, _ f: FunctionSpec, _ inputs: [String: Schema], _ plan: ExecutionPlan) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "function operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        let arguments: [FFIOperator.Argument] = try f.arguments.map { a in
            switch a {
            case .field(let name):
                guard let i = input.index(of: name) else {
                    throw PlanError(spec.location, "'\(spec.name)': argument field '\(name)' is not in its input (fields: \(input))")
                }
                return .field(i)
            case .integer(let v): return .integer(v)
            case .double(let v): return .double(v)
            }
        }
        let node = PlannedNode(name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
                               kind: "ffi \(f.symbol)(\(f.args.map(\.rawValue).joined(separator: ", "))) -> \(f.returns.rawValue) from \(f.library)")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "errors"]
        for _ in 0..<spec.parallelism {
            let op: FFIOperator
            do {
                let function = try FFIFunction(
                    library: f.library, symbol: f.symbol, arguments: f.args.map { FFIValueType($0) },
                    returns: FFIValueType(f.returns))
                op = try FFIOperator(name: spec.name, function: function, arguments: arguments, outputFieldName: f.output,
                                     inputSchema: input, batchCapacity: options.batchSize)
            } catch {
                throw PlanError(spec.location, "\(error)")
            }
            op.deadLetters = addInstance(op, ports: ["out": op.output], to: node, input: input, plan)
        }
        node.outputSchemas["out"] = (node.instances[0] as! FFIOperator).output.schema
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: input)
        return node
    }

    /// Adds an instance of `node` with its output `ports` and its dead-letter route (whose `errors`
    /// port joins the ports when the manifest wires it); returns the route for the instance to use.
    func addInstance(_ instance: StreamOperator, ports: [String: OutputPort], to node: PlannedNode, input: Schema,
                     _ plan: ExecutionPlan) -> DeadLetterRoute
    {
        let route = makeRoute(node.name, input, plan)
        var ports = ports
        if let errors = route.errorsPort { ports["errors"] = errors }
        node.instances.append(instance)
        node.outputsByInstance.append(ports)
        node.deadLetterRoutes.append(route)
        return route
    }

    /// The dead-letter route of one instance: its `errors` port when the manifest wires it, else the run's sink.
    func makeRoute(_ name: String, _ input: Schema, _ plan: ExecutionPlan) -> DeadLetterRoute {
        let wired = manifest.edges.contains { $0.from.node == name && $0.from.port == "errors" }
        let port = wired ? OutputPort(name: "errors", schema: DeadLetterRoute.errorsSchema(for: input), batchCapacity: options.batchSize) : nil
        return DeadLetterRoute(node: name, sink: plan.deadLetters, errorsPort: port, inputSchema: input)
    }

    func planSink(_ spec: SinkSpec, _ plan: ExecutionPlan) throws -> PlannedNode {
        let inputs = try inputSchemas(of: spec.name, location: spec.location, plan)
        let schema = inputs["in"] ?? Schema()
        var fields: [Int]? = nil
        if let names = spec.fields {
            fields = try names.map { n in
                guard let i = schema.index(of: n) else {
                    throw PlanError(spec.location, "sink '\(spec.name)': field '\(n)' is not in its input (fields: \(schema))")
                }
                return i
            }
        }
        let sink: StreamOperator
        let kind: String
        switch spec.kind {
        case .null:
            sink = NullSink(name: spec.name)
            kind = "null"
        case .file, .stdout:
            let open: () throws -> ByteWriter
            if case .file(let path) = spec.kind {
                let folder = (path as NSString).deletingLastPathComponent
                guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder) else {
                    throw PlanError(spec.location, "sink '\(spec.name)': folder \(folder) does not exist")
                }
                open = { try ByteWriter(path: path) }
                kind = "file \((path as NSString).lastPathComponent) (\(spec.format.rawValue))"
            } else {
                open = { ByteWriter(descriptor: 1, name: "stdout") }
                kind = "stdout (\(spec.format.rawValue))"
            }
            let encoder: RecordEncoder = switch spec.format {
            case .csv: CSVEncoder(schema: schema, fields: fields, header: spec.header, delimiter: spec.delimiter, ops: spec.ops)
            case .jsonl: JSONLinesEncoder(schema: schema, fields: fields, ops: spec.ops)
            case .lines: LinesEncoder(schema: schema, fields: fields, delimiter: spec.delimiter, ops: spec.ops)
            }
            sink = EncodingSink(name: spec.name, open: open, encoder: encoder)
        }
        let node = PlannedNode(name: spec.name, role: .sink, parallelism: 1, location: spec.location, kind: kind)
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        if let latency = options.latency, let counted = sink as? StreamOperator & CountingSink {
            let probe = LatencyProbe(counted, recorder: latency)
            latency.probes.append(probe)
            node.instances = [probe]
        } else {
            node.instances = [sink]
        }
        node.outputsByInstance = [[:]]
        return node
    }
}
