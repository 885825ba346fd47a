// SinkFactory: planning a sink node: where records are written (file, stdout, nowhere) and how they are encoded.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletJoins
import RivuletKafka
import RivuletManifest

/// Plans a sink: its encoder (csv, jsonl, lines; the fields it keeps) and its output, opened when the
/// first batch arrives. With latency measurement on, the sink is wrapped in a probe (which forwards
/// checkpoints to a two-phase-commit sink).
struct SinkFactory {
    func plan(_ spec: SinkSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        let options = context.options
        let schema = inputs["in"] ?? Schema()
        var fields: [Int]? = nil
        if let names = spec.fields {
            fields = try names.map { n in
                guard let i = schema.index(of: n) else {
                    throw PlanError(
                        spec.location,
                        "sink '\(spec.name)': field '\(n)' is not in its input (fields: \(schema))"
                            + DidYouMean.hint(n, among: schema.fields.map(\.name)))
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
        case .kafka(let k):
            let field = { (name: String) throws -> Int in
                guard let i = schema.index(of: name) else {
                    throw PlanError(
                        spec.location,
                        "sink '\(spec.name)': field '\(name)' is not in its input (fields: \(schema))"
                            + DidYouMean.hint(name, among: schema.fields.map(\.name)))
                }
                return i
            }
            let keyField = try k.keyField.map(field)
            let headers = try k.headerFields.map { (name: $0, field: try field($0)) }
            var partitioner: ((UnsafePointer<rv_record>) -> Int32)?
            if k.partitionByKeyGroup {
                // A repartition topic: each record to the partition of its key's group, as the window
                // reading it computes that group (`WindowOperator.routingHash`).
                let window = context.manifest.internalTopics.first { $0.writers.contains(spec.name) }?.operatorName ?? ""
                let keyGroups = KeyGroups(maxParallelism: context.kafkaKeyGroups[window] ?? context.manifest.maxParallelism)
                let unkeyed = Int32(keyGroups.group(ofHash: PartitionedEdge.hash(nil, count: 0)))
                partitioner = { record in
                    guard let keyField, let hash = PartitionedEdge.keyHash(of: record, field: keyField) else { return unkeyed }
                    return Int32(keyGroups.group(ofHash: hash))
                }
            }
            // A repartition topic's writer sends binary rows, marked with the input they are (a join has two).
            let kafkaSink = KafkaSink(
                name: spec.name, topic: k.topic,
                properties: try kafkaProperties(servers: k.bootstrapServers, own: k.properties, node: "sink '\(spec.name)'", context.manifest),
                encoder: k.partitionByKeyGroup
                    ? RepartitionRow.Encoder(side: k.joinSide ?? 0, fieldCount: schema.count) : try encoder(spec, schema, fields, header: false),
                keyField: keyField, headerFields: headers, partitioner: partitioner)
            kafkaSink.inputSide = k.inputIndex
            kafkaSink.cancelled = { [cancellation = context.plan.cancellation] in cancellation.isCancelled }
            sink = kafkaSink
            kind =
                "kafka topic \(k.topic) (\(k.partitionByKeyGroup ? "repartition rows" : spec.format.rawValue))\(k.keyField.map { ", key \($0)" } ?? "")"
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
            let encoder = try encoder(spec, schema, fields, header: spec.header)
            if case .file(let path) = spec.kind, let checkpoint = context.manifest.checkpoint, options.openStores {
                // A checkpointed run commits file output in two phases: visible only once a checkpoint covers it.
                sink = TwoPhaseFileSink(name: spec.name, path: path, staging: "\(checkpoint.directory)/staged/\(spec.name)", encoder: encoder)
            } else {
                sink = EncodingSink(name: spec.name, open: open, encoder: encoder)
            }
        }
        let written = try spec.ordered ? ordered(sink, spec, schema, context) : sink
        let node = PlannedNode(name: spec.name, role: .sink, parallelism: 1, location: spec.location, kind: kind + (spec.ordered ? ", ordered" : ""))
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        if let latency = options.latency, let counted = written as? StreamOperator & CountingSink {
            let probe = LatencyProbe.wrapping(counted, recorder: latency)
            latency.probes.append(probe)
            node.instances = [probe]
        } else {
            node.instances = [written]
        }
        node.outputsByInstance = [[:]]
        return node
    }

    /// `ordered: true`: the sink wrapped so that it writes a window's results in the window's order
    /// (`OrderedSink`); its input must be a window's results.
    private func ordered(_ sink: StreamOperator, _ spec: SinkSpec, _ schema: Schema, _ context: PlanningContext) throws -> StreamOperator {
        let feeding = context.manifest.edges.filter { $0.to.node == spec.name }
        let windows = feeding.compactMap { edge -> WindowSpec? in
            guard edge.from.port == "out", case .window(let w)? = context.manifest.operators.first(where: { $0.name == edge.from.node })?.kind
            else { return nil }
            return w
        }
        guard !feeding.isEmpty, windows.count == feeding.count, let window = windows.first,
            let start = schema.index(of: "window_start"), let end = schema.index(of: "window_end"),
            let counted = sink as? StreamOperator & CountingSink
        else {
            throw PlanError(
                spec.location,
                "sink '\(spec.name)': ordered: true writes a window's results in the window's order: its input must be a window operator's "
                    + "out port")
        }
        // An update-mode window emits changes of windows still open and, within the grace, of windows
        // the watermark has passed: they can only be written as they come.
        if windows.contains(where: { $0.emit == .update }) {
            throw PlanError(
                spec.location,
                "sink '\(spec.name)': ordered: true orders the results of windows with emit: final; an emit: update window's changes "
                    + "(also those within its grace, after the watermark) are written as they come")
        }
        return OrderedSink.wrapping(
            counted, schema: schema, startField: start, endField: end, keyField: window.keyBy.flatMap { schema.index(of: $0) },
            grace: windows.map(\.grace).max() ?? 0)
    }

    /// The sink's encoder: its format over the fields it keeps.
    private func encoder(_ spec: SinkSpec, _ schema: Schema, _ fields: [Int]?, header: Bool) throws -> RecordEncoder {
        let format = try Self.valueFormat(spec, schema)
        return switch spec.format {
        case .csv: CSVEncoder(schema: schema, fields: fields, header: header, delimiter: spec.delimiter, ops: spec.ops, format: format)
        case .jsonl: JSONLinesEncoder(schema: schema, fields: fields, ops: spec.ops, format: format)
        case .lines: LinesEncoder(schema: schema, fields: fields, delimiter: spec.delimiter, ops: spec.ops, format: format)
        }
    }

    /// `timestamps:` and `decimals:` (each named field must be an f64 of the input).
    static func valueFormat(_ spec: SinkSpec, _ schema: Schema) throws -> ValueFormat {
        var format = ValueFormat(timestamps: spec.timestamps.flatMap(ValueFormat.Timestamps.init(rawValue:)) ?? .epochMilliseconds)
        for d in spec.decimals {
            guard let i = schema.index(of: d.field) else {
                throw PlanError(
                    d.location,
                    "sink '\(spec.name)': decimals for field '\(d.field)', which is not in its input (fields: \(schema))"
                        + DidYouMean.hint(d.field, among: schema.fields.map(\.name)))
            }
            guard schema.fields[i].type == .f64 else {
                throw PlanError(d.location, "sink '\(spec.name)': decimals apply to f64 fields; '\(d.field)' is \(schema.fields[i].type)")
            }
            format.decimals[i] = d.places
        }
        return format
    }
}
