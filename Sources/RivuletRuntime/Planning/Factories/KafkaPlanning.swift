// KafkaPlanning: a Kafka node's client properties (checked by librdkafka) and a Kafka source's reader.
import RivuletCore
import RivuletExecution
import RivuletJoins
import RivuletKafka
import RivuletManifest

/// The librdkafka properties of a Kafka node: its bootstrap servers (its own or the `kafka:` section's),
/// the section's properties, then its own. Each is checked with librdkafka, so a misspelt name or a bad
/// value is reported where it is written — every one librdkafka refuses, not only the first.
func kafkaProperties(servers: String?, own: [KafkaProperty], node: String, _ manifest: Manifest) throws -> KafkaProperties {
    var properties = KafkaProperties()
    properties["bootstrap.servers"] = servers ?? manifest.kafka?.bootstrapServers
    var refused: [PlanError] = []
    for property in (manifest.kafka?.properties ?? []) + own {
        if let reason = KafkaProperties.check(property.name, property.value) {
            refused.append(PlanError(property.location, "\(node): \(reason)"))
            continue
        }
        properties[property.name] = property.value
    }
    if refused.count == 1 { throw refused[0] }
    if !refused.isEmpty { throw ManifestErrors(refused) }
    return properties
}

/// The consumer group of a Kafka source: the application's; a repartition topic's readers form a group of
/// their own (`<application_id>-<window>`), so its rebalances leave the input's members alone; a global
/// table's reader joins none (it takes every partition: the id is librdkafka's only).
func kafkaConsumerGroup(_ k: KafkaSourceSpec, application: String, _ manifest: Manifest) -> String {
    if k.global { return "\(application)-global" }
    let window = k.repartitionOf.flatMap { w in manifest.internalTopics.first { $0.writers.contains(w) }?.operatorName }
    return window.map { "\(application)-\($0)" } ?? application
}

extension SourceFactory {
    /// A Kafka source: the value decoded with the source's format into the value fields, then the key
    /// field and the header fields (the manifest appended them to the schema in that order).
    func kafkaSource(_ spec: SourceSpec, _ k: KafkaSourceSpec, _ context: PlanningContext) throws -> RecordSource {
        let manifest = context.manifest
        guard manifest.applicationID != nil else { throw PlanError(spec.location, "source '\(spec.name)': application_id is not set") }
        var schema = Schema((spec.schema ?? []).map { FieldDefinition(name: $0.name, type: $0.type) })
        let joinTopic = k.repartitionOf.flatMap { w in manifest.internalTopics.first { $0.writer == w && $0.joinSides != nil } }
        if let joinTopic, let sides = joinTopic.joinSides {
            // A join's repartition topic holds both inputs' rows (`RepartitionRow`), each input's of one shape.
            let shapes = try joinTopic.writers.map { writer in
                guard let written = context.plan.nodesByName[writer]?.inputSchemas["in"] else {
                    throw PlanError(spec.location, "source '\(spec.name)': its topic's writer '\(writer)' is not planned")
                }
                return written
            }
            var counts = [0, 0]
            for side in 0..<2 {
                let mine = zip(sides, shapes).filter { $0.0 == side }.map(\.1)
                counts[side] = mine.first?.count ?? 0
                if let other = mine.first(where: { $0 != mine[0] }) {
                    let port = "\(joinTopic.operatorName).\(side == 0 ? "left" : "right")"
                    throw PlanError(
                        manifest.operators.first { $0.name == joinTopic.operatorName }?.location ?? spec.location,
                        "input '\(port)' receives records of two shapes: [\(mine[0])] and [\(other)]")
                }
            }
            schema = RepartitionRow.carrierSchema
            return KafkaSource(
                name: spec.name,
                settings: try kafkaSettings(
                    spec, k, schema: schema, decoder: RepartitionRow.CarrierDecoder(leftFields: counts[0], rightFields: counts[1]), context),
                log: context.options.report)
        }
        var decoder: RecordDecoder?
        if let writer = k.repartitionOf {
            // A repartition topic holds the rows of what its writer received.
            guard let written = context.plan.nodesByName[writer]?.inputSchemas["in"] else {
                throw PlanError(spec.location, "source '\(spec.name)': its topic's writer '\(writer)' is not planned")
            }
            // A union's writers (one per edge) must all write rows of that shape.
            let topic = manifest.internalTopics.first { $0.writers.contains(writer) }
            for other in topic?.writers.dropFirst() ?? [] {
                if let shape = context.plan.nodesByName[other]?.inputSchemas["in"], shape != written {
                    let op = topic?.operatorName ?? writer
                    throw PlanError(
                        manifest.operators.first { $0.name == op }?.location ?? spec.location,
                        "input '\(op).in' receives records of two shapes: [\(written)] and [\(shape)]")
                }
            }
            schema = written
            decoder = RepartitionRow.Decoder(fieldCount: written.count)
        }
        return KafkaSource(
            name: spec.name, settings: try kafkaSettings(spec, k, schema: schema, decoder: decoder, context), log: context.options.report)
    }

    /// A Kafka source's settings: its group, topics, start, key and header fields, and `decoder` (nil:
    /// the source's format's, for `schema`).
    private func kafkaSettings(
        _ spec: SourceSpec, _ k: KafkaSourceSpec, schema: Schema, decoder: RecordDecoder?, _ context: PlanningContext
    ) throws -> KafkaSourceSettings {
        let manifest = context.manifest
        let keyField = k.keyField.flatMap { schema.index(of: $0) }
        let headerFields = k.headerFields.compactMap { name in schema.index(of: name).map { (name: name, field: $0) } }
        let valueFields = schema.count - (keyField == nil ? 0 : 1) - headerFields.count
        // `key:` names the records' key field; when it is the Kafka key's own field, the Kafka key is it.
        let keyFromField = spec.key != nil && spec.key != k.keyField
        let recordKey = keyFromField ? spec.key.flatMap { schema.index(of: $0) } : nil
        let decoder: RecordDecoder =
            decoder
            ?? {
                switch spec.format {
                case .csv: CSVDecoder(schema: schema, delimiter: spec.delimiter, keyField: recordKey, columns: valueFields)
                case .jsonl: JSONLinesDecoder(schema: schema, keyField: recordKey, rawFields: SourceFactory.arrayFields(spec))
                case .lines: RawLineDecoder()
                }
            }()
        let start: StartPosition =
            switch k.start {
            case .earliest: .earliest
            case .latest: .latest
            case .timestamp(let ms): .timestamp(ms)
            }
        let consumerGroup = kafkaConsumerGroup(k, application: manifest.applicationID ?? "", manifest)
        var time = false
        if case .kafka? = spec.time?.kind { time = true }
        var settings = KafkaSourceSettings(
            properties: try kafkaProperties(servers: k.bootstrapServers, own: k.properties, node: "source '\(spec.name)'", manifest),
            groupID: consumerGroup, topics: k.pattern.map { [$0] } ?? k.topics, start: start, schema: schema, decoder: decoder, keyField: keyField,
            keyFromField: keyFromField, headerFields: headerFields, kafkaTime: time, untilEnd: k.untilEnd)
        settings.strictOffsets = k.repartitionOf != nil
        settings.global = k.global
        return settings
    }
}
