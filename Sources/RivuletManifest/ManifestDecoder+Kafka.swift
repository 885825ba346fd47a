// ManifestDecoder+Kafka: `application_id`, the `kafka:` section, and Kafka sources' and sinks' keys.
import RivuletCore

extension ManifestDecoder {
    static let kafkaKeys = ["bootstrap_servers", "properties", "processing_guarantee"]

    /// `kafka: { bootstrap_servers, properties, processing_guarantee }`.
    mutating func kafkaSection(_ node: YAMLNode, location: SourceLocation) -> KafkaSpec? {
        guard let m = fields(node, "kafka", allowed: Self.kafkaKeys, required: []) else { return nil }
        let servers = string(m["bootstrap_servers"], "bootstrap_servers")
        let properties = m["properties"].map { kafkaProperties($0) } ?? []
        var spec = KafkaSpec(bootstrapServers: servers, properties: properties, location: location)
        if let node = m["processing_guarantee"] {
            spec.guarantee = choice(node, "processing_guarantee", as: ProcessingGuarantee.self) ?? .atLeastOnce
            spec.guaranteeLocation = node.location
        }
        return spec
    }

    /// `application_id`: letters, digits, '.', '_' and '-' (it names a consumer group and topics), at most 200.
    mutating func applicationID(_ node: YAMLNode) -> String? {
        guard let text = string(node, "application_id") else { return nil }
        let allowed = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard allowed, text.utf8.count <= 200 else {
            error(
                node.location,
                "application_id must be 1 to 200 letters, digits, '.', '_' or '-' (it names a consumer group and topics), got '\(text)'")
            return nil
        }
        return text
    }

    /// `properties: { name: value, … }`: librdkafka properties with scalar values, passed through.
    mutating func kafkaProperties(_ node: YAMLNode) -> [KafkaProperty] {
        guard case .mapping(let pairs, _) = node else {
            error(node.location, "properties must be a mapping of librdkafka property names to values, got \(node.got)")
            return []
        }
        return pairs.compactMap { pair in
            guard let value = pair.value.text, !pair.value.isNull else {
                error(pair.value.location, "Kafka property '\(pair.key)' must be a single value, got \(pair.value.got)")
                return nil
            }
            if pair.key == "group.id" || pair.key == "transactional.id" {
                error(pair.keyLocation, "'\(pair.key)' is set by Rivulet from application_id; change application_id instead")
                return nil
            }
            return KafkaProperty(name: pair.key, value: value, location: pair.keyLocation)
        }
    }

    /// A Kafka source's own keys (the shared ones — format, schema, time — are read by the caller).
    mutating func kafkaSource(_ m: MappingFields, what: String) -> KafkaSourceSpec? {
        var topics: [String] = []
        if let node = m["topics"] {
            if case .sequence = node { topics = stringList(node, "topics") ?? [] } else if let one = string(node, "topics") { topics = [one] }
        }
        let pattern = string(m["pattern"], "pattern")
        if m["topics"] == nil && m["pattern"] == nil {
            error(m.location, "\(what) needs 'topics' (a name or a list of names) or 'pattern' (a regular expression)")
        }
        if m["topics"] != nil, let location = m.keyLocation("pattern") {
            error(location, "\(what): give 'topics' or 'pattern', not both")
        }
        let start = m["start"].flatMap { kafkaStart($0) } ?? .earliest
        let until: Bool
        if let node = m["until"] {
            until = choice(node, "until", among: ["end"]) != nil
        } else {
            until = false
        }
        var spec = KafkaSourceSpec(
            topics: topics, pattern: pattern.map { $0.hasPrefix("^") ? $0 : "^" + $0 },
            bootstrapServers: string(m["bootstrap_servers"], "bootstrap_servers"),
            start: start, keyField: string(m["key_field"], "key_field"), headerFields: stringList(m["header_fields"], "header_fields") ?? [],
            untilEnd: until, properties: m["properties"].map { kafkaProperties($0) } ?? [])
        spec.global = bool(m["global"], "global") ?? false
        if spec.global, let location = m.keyLocation("start") {
            error(location, "\(what): a global source reads its topics from the beginning in every run: remove start")
        }
        return spec
    }

    /// `start: earliest | latest | <RFC 3339 time or epoch ms>`.
    private mutating func kafkaStart(_ node: YAMLNode) -> KafkaSourceSpec.Start? {
        guard let text = string(node, "start") else { return nil }
        switch text {
        case "earliest": return .earliest
        case "latest": return .latest
        default:
            if let ms = Int64(text), ms >= 0 { return .timestamp(ms) }
            let ms = Array(text.utf8).withUnsafeBytes { RFC3339.milliseconds($0) }
            guard let ms, ms >= 0 else {
                error(node.location, "start must be earliest, latest, or a time (RFC 3339 like 2026-12-01T08:00:00Z, or epoch ms), got '\(text)'")
                return nil
            }
            return .timestamp(ms)
        }
    }

    /// A Kafka sink's own keys.
    mutating func kafkaSink(_ m: MappingFields) -> KafkaSinkSpec? {
        guard let topic = string(m["topic"], "topic") else { return nil }
        return KafkaSinkSpec(
            topic: topic, bootstrapServers: string(m["bootstrap_servers"], "bootstrap_servers"), keyField: string(m["key"], "key"),
            headerFields: stringList(m["header_fields"], "header_fields") ?? [], properties: m["properties"].map { kafkaProperties($0) } ?? [])
    }

    /// Every Kafka node has bootstrap servers (its own or the `kafka:` section's); a Kafka source needs
    /// `application_id` (its consumer group).
    mutating func checkKafkaNodes(_ manifest: Manifest, top: MappingFields) {
        var kafkaNodes: [(String, String?, SourceLocation)] = []
        for source in manifest.sources {
            if case .kafka(let k) = source.kind { kafkaNodes.append(("source '\(source.name)'", k.bootstrapServers, source.location)) }
        }
        for sink in manifest.sinks {
            if case .kafka(let k) = sink.kind { kafkaNodes.append(("sink '\(sink.name)'", k.bootstrapServers, sink.location)) }
        }
        if let sink = manifest.deadLetters, case .kafka(let k) = sink.kind {
            kafkaNodes.append(("dead_letters", k.bootstrapServers, sink.location))
        }
        for (what, servers, location) in kafkaNodes where servers == nil && manifest.kafka?.bootstrapServers == nil {
            error(location, "\(what) needs bootstrap_servers (its own, or under the top-level kafka: section)")
        }
        let readsKafka = manifest.sources.contains { if case .kafka = $0.kind { true } else { false } }
        if readsKafka && manifest.applicationID == nil && top["application_id"] == nil {
            error(top.location, "a manifest with a Kafka source needs application_id (its consumer group, and the prefix of its internal topics)")
        }
    }
}
