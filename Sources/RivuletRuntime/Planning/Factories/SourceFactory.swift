// SourceFactory: planning a source node: its connector (file, stdin, generator), its time, its task's head.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletExpressions
import RivuletKafka
import RivuletManifest
import RivuletPlugins

/// Plans a source: the connector that reads it, how its records are timestamped, and the `SourceHead` of
/// the task that will run it (a benchmark's generator may stand in for it: `RunOptions.generatorOverride`).
struct SourceFactory {
    func plan(_ spec: SourceSpec, in context: PlanningContext) throws -> PlannedNode {
        let (manifest, options, plan) = (context.manifest, context.options, context.plan)
        let node: PlannedNode
        let timeText: String =
            switch spec.time?.kind {
            case .event(let field, let format)?: ", event time \(field) (\(format.rawValue))"
            case .extractor(let plugin, let function, let arguments)?: ", event time \(plugin).\(function)(\(arguments.joined(separator: ", ")))"
            case .logAppend?: ", log-append time"
            case .kafka?: ", Kafka record time"
            case .processing?: ", processing time"
            case nil: ""
            }
        let boundText =
            spec.time.map {
                ", watermark max − \(Limit.durationText($0.maxOutOfOrder))\($0.idleTimeout.map { ", idle after \(Limit.durationText($0))" } ?? "")"
            } ?? ""
        let time = timeText + boundText
        let source: RecordSource
        switch spec.kind {
        case .generator(let g):
            node = PlannedNode(
                name: spec.name, role: .source, parallelism: 1, location: spec.location,
                kind: "generator (\(g.count) records, \(g.keys) keys)\(time)")
            source = GeneratorSource(name: spec.name, count: g.count, seed: g.seed, keys: g.keys, rate: g.rate)
        case .file where options.generatorOverride != nil && spec.schema != nil:
            // A benchmark's generator replaces the file: its declared fields are all it needs.
            node = PlannedNode(name: spec.name, role: .source, parallelism: 1, location: spec.location, kind: "file (not read)")
            source = DeclaredShape(name: spec.name, schema: Schema(spec.schema!.map { FieldDefinition(name: $0.name, type: $0.type) }))
        case .file(let path):
            node = PlannedNode(
                name: spec.name, role: .source, parallelism: 1, location: spec.location,
                kind: "file \((path as NSString).lastPathComponent) (\(spec.format.rawValue))\(time)")
            let reader: LineReader
            let prefix = manifest.directory.hasSuffix("/") ? manifest.directory : manifest.directory + "/"
            let display = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
            do { reader = try LineReader(path: path, displayName: display, csvDelimiter: spec.format == .csv ? spec.delimiter : nil) } catch {
                throw PlanError(spec.location, "source '\(spec.name)': \(error)")
            }
            source = try textSource(spec, reader: reader)
        case .kafka(let k):
            let topics = k.pattern.map { "topics matching \($0)" } ?? "topic\(k.topics.count == 1 ? "" : "s") \(k.topics.joined(separator: ", "))"
            node = PlannedNode(
                name: spec.name, role: .source, parallelism: 1, location: spec.location,
                kind: "kafka \(topics) (\(k.repartitionOf == nil ? spec.format.rawValue : "repartition rows")), "
                    + (k.global
                        ? "global (every partition, no group)"
                        : "group \(kafkaConsumerGroup(k, application: manifest.applicationID ?? "?", manifest))")
                    + "\(k.untilEnd ? ", until the end" : "")\(time)"
            )
            source = try kafkaSource(spec, k, context)
        case .stdin:
            node = PlannedNode(
                name: spec.name, role: .source, parallelism: 1, location: spec.location,
                kind: "stdin (\(spec.format.rawValue))\(time)")
            source = try textSource(spec, reader: LineReader(descriptor: 0, name: "stdin", csvDelimiter: spec.format == .csv ? spec.delimiter : nil))
        }
        if let override = options.generatorOverride {
            return try planGenerated(spec, override, replacing: source, node: node, context)
        }
        let deadLetters = DeadLetterRoute(node: spec.name, sink: plan.deadLetters, errorsPort: nil, inputSchema: nil)
        var assigner = try timeAssigner(spec, schema: source.schema, plan)
        if let kafka = source as? KafkaSource, case .kafka(let k) = spec.kind, let writer = k.repartitionOf {
            // A repartition topic's reader takes its watermark from the markers its writers send, over
            // every partition of the application's input.
            let topic = context.manifest.internalTopics.first { $0.writers.contains(writer) }
            // One side per writer (a join's two inputs, a union's inputs), each over the input partitions
            // its writer marks.
            let sides = (topic?.writers ?? [writer]).map { context.markedInputs(of: $0) }
            let markers = RepartitionWatermarks(sides: sides, joinInputs: topic?.joinSides, idleTimeout: spec.time?.idleTimeout)
            kafka.stampsJoinSides = topic?.joinSides != nil
            kafka.watermarkMarkers = markers
            assigner = TimestampAssigner(origin: .stampedBySource(markers), bound: 0, idleTimeout: spec.time?.idleTimeout)
        }
        if let kafka = source as? KafkaSource, let partitions = assigner.partitions {
            // The watermark is the minimum over the partitions the group assigns.
            kafka.onPartitionsChanged = { assigned, revoked in
                let now = Clock.nowMilliseconds()
                if !assigned.isEmpty { partitions.assign(assigned, now: now) }
                if !revoked.isEmpty { partitions.revoke(revoked, now: now) }
            }
            if partitions.idleTimeout != nil {
                // Idle means nothing to read: a partition whose fetched records wait behind another's is not.
                kafka.tracksUnread = true
                partitions.hasUnread = { [weak kafka] in kafka?.hasUnread($0) ?? false }
            }
        }
        node.source = SourceHead(source: source, time: assigner, batchSize: spec.batchSize, deadLetters: deadLetters)
        node.outputPorts = ["out"]
        node.outputSchemas["out"] = source.schema
        node.deadLetterRoutes = [deadLetters]
        return node
    }

    /// A benchmark's stand-in for `spec`: a generator of the same shape (see `GeneratorOverride`), whose
    /// records carry their event time in `rv_record.timestamp` (so a time extractor is not needed), with
    /// the declared out-of-orderness bound; log-append and processing time stay as declared.
    private func planGenerated(
        _ spec: SourceSpec, _ override: GeneratorOverride, replacing original: RecordSource,
        node: PlannedNode, _ context: PlanningContext
    ) throws -> PlannedNode {
        let (manifest, options, plan) = (context.manifest, context.options, context.plan)
        original.close()
        let index = manifest.sources.firstIndex { $0.name == spec.name } ?? 0
        let seed = override.seed &+ UInt64(index)
        let generator: RecordSource
        let schedule: PacingSchedule
        if case .generator = spec.kind {
            let g = GeneratorSource(
                name: spec.name, count: override.events, seed: seed, keys: override.keys, rate: override.rate,
                partition: Int32(index))
            (generator, schedule) = (g, g.schedule)
        } else {
            let schema = original.schema
            guard !schema.isEmpty else {
                throw PlanError(
                    spec.location, "source '\(spec.name)': cannot generate records for a source without fields (format lines); give it a schema")
            }
            var timeField: (index: Int, encoding: TimestampAssigner.Encoding)?
            if case let .event(field, format)? = spec.time?.kind, let i = schema.index(of: field) {
                timeField = (i, TimestampAssigner.Encoding(format))
            }
            let g = SchemaGenerator(
                name: spec.name, schema: schema, count: override.events, seed: seed, keys: override.keys,
                rate: override.rate, partition: Int32(index), timeField: timeField)
            (generator, schedule) = (g, g.schedule)
        }
        let generated = PlannedNode(
            name: spec.name, role: .source, parallelism: 1, location: spec.location,
            kind:
                "generated in place of \(node.kind): \(override.events) records, \(override.keys) keys\(override.rate.map { String(format: ", %.0f records/s", $0) } ?? "")"
        )
        let time: TimestampAssigner
        switch spec.time?.kind {
        case .logAppend?, .processing?: time = try timeAssigner(spec, schema: generator.schema, plan)
        case .kafka?:
            time = TimestampAssigner(origin: .recordTimestamp, bound: spec.time?.maxOutOfOrder ?? 0, idleTimeout: spec.time?.idleTimeout)
        default:
            time = TimestampAssigner(origin: .recordTimestamp, bound: spec.time?.maxOutOfOrder ?? 0, idleTimeout: spec.time?.idleTimeout)
        }
        let deadLetters = DeadLetterRoute(node: spec.name, sink: plan.deadLetters, errorsPort: nil, inputSchema: nil)
        generated.source = SourceHead(source: generator, time: time, batchSize: spec.batchSize, deadLetters: deadLetters)
        generated.outputPorts = ["out"]
        generated.outputSchemas["out"] = generator.schema
        generated.deadLetterRoutes = [deadLetters]
        if let latency = options.latency {
            while latency.schedules.count <= index { latency.schedules.append(nil) }
            latency.schedules[index] = schedule
        }
        return generated
    }

    /// The source's time: as declared; by default processing time (generators: event time from `ts`).
    private func timeAssigner(_ spec: SourceSpec, schema: Schema, _ plan: ExecutionPlan) throws -> TimestampAssigner {
        // A Kafka source's event-time watermark is per partition.
        let perPartition: Bool
        if case .kafka = spec.kind { perPartition = true } else { perPartition = false }
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
                throw PlanError(
                    time.location,
                    "source '\(spec.name)': time field '\(field)' is not one of its fields (\(schema))"
                        + DidYouMean.hint(field, among: schema.fields.map(\.name)))
            }
            return TimestampAssigner(
                origin: .field(index: index, name: field, encoding: TimestampAssigner.Encoding(format)),
                bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout, perPartition: perPartition)
        case let .extractor(pluginName, function, arguments):
            guard let plugin = plan.plugins[pluginName] else { throw PlanError(time.location, "plugin '\(pluginName)' is not loaded") }
            let fields = try arguments.map { a in
                guard let i = schema.index(of: a) else {
                    throw PlanError(
                        time.location,
                        "source '\(spec.name)': extractor argument '\(a)' is not one of its fields (\(schema))"
                            + DidYouMean.hint(a, among: schema.fields.map(\.name)))
                }
                return i
            }
            let call: PluginFunction
            do {
                call = try PluginFunction(plugin: plugin, name: function, fields: fields, inputSchema: schema)
                call.crashScope.describe("function '\(function)' of \(plugin.path) (the time extractor of source '\(spec.name)')")
                if case .file(let path) = spec.kind { call.crashScope.setPosition(String(path.split(separator: "/").last ?? Substring(path)) + ":") }
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
            return TimestampAssigner(
                origin: .computed(name: "\(pluginName).\(function)", extract: extract),
                bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout, perPartition: perPartition)
        case .logAppend:
            return TimestampAssigner(origin: .logAppend, bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout)
        case .processing:
            return TimestampAssigner(origin: .processing, bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout)
        case .kafka:
            return TimestampAssigner(origin: .recordTimestamp, bound: time.maxOutOfOrder, idleTimeout: time.idleTimeout, perPartition: true)
        }
    }

    /// The indexes of the array fields of `spec`'s schema (their JSON text is kept for `explode`).
    static func arrayFields(_ spec: SourceSpec) -> Set<Int> {
        Set((spec.schema ?? []).enumerated().filter { $0.element.elements != nil }.map(\.offset))
    }

    /// A text source: the schema is declared, or (CSV with a header and no schema) every header column as
    /// a string; the header line is read here, once.
    private func textSource(_ spec: SourceSpec, reader: LineReader) throws -> RecordSource {
        let declared = spec.schema.map { Schema($0.map { FieldDefinition(name: $0.name, type: $0.type) }) }
        let keyIndex = { (schema: Schema) in spec.keyExpression != nil ? nil : spec.key.flatMap { schema.index(of: $0) } }
        // `key: lower(user)`: the decoder's records get their key from the expression.
        let keyed = { (schema: Schema, decoder: RecordDecoder) throws -> RecordDecoder in
            guard let e = spec.keyExpression else { return decoder }
            return KeyExpressionDecoder(inner: decoder, key: try FilterOperatorFactory.compile(e, schema, what: "source '\(spec.name)', key"))
        }
        switch spec.format {
        case .lines:
            return TextSource(name: spec.name, reader: reader, schema: Schema(), decoder: RawLineDecoder())
        case .jsonl:
            guard let schema = declared else {
                throw PlanError(spec.location, "source '\(spec.name)': a jsonl source needs a schema")
            }
            return TextSource(
                name: spec.name, reader: reader, schema: schema,
                decoder: try keyed(schema, JSONLinesDecoder(schema: schema, keyField: keyIndex(schema), rawFields: Self.arrayFields(spec))))
        case .csv:
            if spec.header {
                let line: UnsafeRawBufferPointer?
                do { line = try reader.next() } catch { throw PlanError(spec.location, "source '\(spec.name)': \(error)") }
                guard let line else {
                    throw PlanError(spec.location, "source '\(spec.name)': \(reader.path) is empty but header: true expects a header line")
                }
                let header = CSVDecoder.splitHeader(line, delimiter: spec.delimiter)
                let schema = declared ?? Schema(header.map { FieldDefinition(name: $0, type: .string) })
                if let key = spec.key, spec.keyExpression == nil, schema.index(of: key) == nil {
                    throw PlanError(spec.location, "source '\(spec.name)': key '\(key)' is not a column of \(reader.path)")
                }
                let decoder: RecordDecoder
                do {
                    decoder = try CSVDecoder(schema: schema, header: header, delimiter: spec.delimiter, keyField: keyIndex(schema))
                } catch {
                    throw PlanError(spec.location, "source '\(spec.name)': \(reader.path):1: \(error)")
                }
                return TextSource(name: spec.name, reader: reader, schema: schema, decoder: try keyed(schema, decoder))
            }
            guard let schema = declared else {
                throw PlanError(spec.location, "source '\(spec.name)': a CSV source without a header needs a schema")
            }
            return TextSource(
                name: spec.name, reader: reader, schema: schema,
                decoder: try keyed(schema, CSVDecoder(schema: schema, delimiter: spec.delimiter, keyField: keyIndex(schema))))
        }
    }
}
