// ManifestDecoder+Sources: the `sources` section: files, stdin and generators, with formats and schemas.
import RivuletCore

extension ManifestDecoder {
    /// The keys each source type accepts, in the order messages list them.
    static let sourceKeys: [String: [String]] = [
        "file": ["type", "path", "format", "header", "delimiter", "schema", "key", "time", "batch_size"],
        "stdin": ["type", "format", "header", "delimiter", "schema", "key", "time", "batch_size"],
        "generator": ["type", "count", "seed", "keys", "rate", "time", "batch_size"],
        "kafka": [
            "type", "topics", "pattern", "bootstrap_servers", "start", "format", "delimiter", "schema", "key", "key_field", "header_fields",
            "time", "batch_size", "until", "properties", "global",
        ],
    ]
    /// Every key any source accepts.
    static let allSourceKeys = [
        "type", "path", "format", "header", "delimiter", "schema", "key", "time", "batch_size", "count", "seed", "keys", "rate", "topics",
        "pattern", "bootstrap_servers", "start", "key_field", "header_fields", "until", "properties", "global",
    ]

    /// Decodes `sources`: name -> definition.
    mutating func sources(_ node: YAMLNode) -> [SourceSpec] {
        let pairs = entries(node, "sources", atLeastOne: "source")
        declare(pairs, as: .source)
        return pairs.compactMap { source($0) }
    }

    private mutating func source(_ pair: YAMLPair) -> SourceSpec? {
        let name = pair.key, what = "source '\(name)'"
        // The type decides which keys apply, so it is read first.
        let typeNode = pair.value["type"]
        let type = typeNode.flatMap { node -> String? in
            guard let text = node.text, Self.sourceKeys[text] != nil else { return nil }
            return text
        }
        let allowed = type.flatMap { Self.sourceKeys[$0] } ?? Self.allSourceKeys
        let required =
            type == "file" ? ["type", "path"] : type == "generator" ? ["type", "count"] : type == "kafka" ? ["type", "format"] : ["type"]
        guard
            let m = fields(
                pair.value, what, allowed: allowed, required: required, otherKeys: Self.allSourceKeys,
                otherContext: "a \(type ?? "") source")
        else { return nil }
        if type == nil, let typeNode {
            _ = choice(typeNode, "source type", among: ["file", "stdin", "generator", "kafka"])
        }
        var schema = m["schema"].flatMap { self.schema($0, of: name) }
        var kafka: KafkaSourceSpec?
        if type == "kafka" {
            kafka = kafkaSource(m, what: what)
            // The key and header fields are part of the records' schema, after the value's fields.
            if let k = kafka, k.keyField != nil || !k.headerFields.isEmpty || schema != nil {
                var fields = schema ?? []
                for (extra, node) in [(k.keyField, m["key_field"])] + k.headerFields.map({ ($0, m["header_fields"]) }) {
                    guard let extra, let node else { continue }
                    if fields.contains(where: { $0.name == extra }) {
                        error(node.location, "'\(extra)' is already a field of the schema of \(what): the key and header fields are added to it")
                    } else {
                        fields.append(FieldSpec(name: extra, type: .string, location: node.location))
                    }
                }
                schema = fields
            }
        }
        let key = string(m["key"], "key")
        let keyExpression = keyExpression(m["key"], key, "key")
        if let keyExpression, type != "file" && type != "stdin" {
            error(keyExpression.location, "\(what): a key written as an expression is for file and stdin sources; name a field here")
        }
        if let key, keyExpression == nil, let schema, let keyNode = m["key"], !schema.contains(where: { $0.name == key }) {
            error(
                keyNode.location,
                "key '\(key)' is not a field of the schema of \(what) (fields: \(schema.map(\.name).joined(separator: ", ")))"
                    + DidYouMean.hint(key, among: schema.map(\.name)))
        }
        let batchSize = integer(m["batch_size"], .batchSize) ?? 1024
        let generatorSchema = [
            FieldSpec(name: "key", type: .string, location: pair.keyLocation),
            FieldSpec(name: "seq", type: .i64, location: pair.keyLocation),
            FieldSpec(name: "value", type: .f64, location: pair.keyLocation),
            FieldSpec(name: "ts", type: .i64, location: pair.keyLocation),
        ]
        let time = m["time"].flatMap {
            self.time($0, source: name, schema: type == "generator" ? generatorSchema : schema, kafka: type == "kafka")
        }
        if m["time"] != nil && time == nil { return nil }
        let kind: SourceKind?
        var inferred = DataFormat.lines
        switch type {
        case "file":
            let path = string(m["path"], "path")
            kind = path.map { .file(path: absolute($0)) }
            if let path, let node = m["path"] { files.append((what, absolute(path), node.location, false)) }
            inferred = path.map { DataFormat.inferred(fromPath: $0) } ?? .lines
        case "stdin":
            kind = .stdin
        case "generator":
            let count = integer(m["count"], .count)
            let seed = unsigned(m["seed"], .seed) ?? 1
            let keys = integer(m["keys"], .keys) ?? 100
            let rate = number(m["rate"], .rate)
            kind = count.map { .generator(GeneratorSpec(count: $0, seed: seed, keys: keys, rate: rate)) }
        case "kafka":
            kind = kafka.map { .kafka($0) }
            if let format = m["format"], format.text != "lines", m["schema"] == nil {
                error(format.location, "\(what): format \(format.text ?? "") needs a schema (Kafka records have no header line)")
            }
        default:
            kind = nil
        }
        let format = choice(m["format"], "format", as: DataFormat.self) ?? inferred
        let header = type == "kafka" ? false : bool(m["header"], "header") ?? true
        let delimiter = delimiter(m["delimiter"]) ?? UInt8(ascii: ",")
        if format != .jsonl, let schema, let array = schema.first(where: { $0.elements != nil }) {
            error(array.location, "\(what): field '\(array.name)' is an array, which only format jsonl reads")
        }
        // A spec holding a default in place of a wrong value is never returned: any error fails the load.
        guard let kind else { return nil }
        var spec = SourceSpec(
            name: name, kind: kind, format: format, header: header, delimiter: delimiter, schema: schema,
            key: key, time: time, batchSize: batchSize, location: pair.keyLocation)
        spec.keyExpression = keyExpression
        return spec
    }

    /// A schema: an ordered mapping field -> type, with at least one field.
    private mutating func schema(_ node: YAMLNode, of source: String) -> [FieldSpec]? {
        guard case .mapping(let pairs, _) = node, !pairs.isEmpty else {
            let got = if case .mapping = node { "an empty mapping" } else { node.got }
            error(node.location, "schema must be a mapping of field names to types, got \(got)")
            return nil
        }
        var failed = false
        let fields = schemaFields(pairs, prefix: "", failed: &failed)
        // A partial schema would make a valid `key` look missing.
        return failed ? nil : fields
    }

    /// The fields of a schema mapping: a nested mapping (`customer: { id: string }`) declares the fields
    /// `customer.id`, …; a list of one item (`items: [ { sku: string } ]`, `tags: [string]`) an array field.
    private mutating func schemaFields(_ pairs: [YAMLPair], prefix: String, failed: inout Bool) -> [FieldSpec] {
        var fields: [FieldSpec] = []
        for pair in pairs {
            let name = prefix + pair.key
            switch pair.value {
            case .mapping(let inner, _) where !inner.isEmpty:
                fields += schemaFields(inner, prefix: name + ".", failed: &failed)
            case .sequence(let items, let location):
                guard items.count == 1 else {
                    error(location, "array field '\(name)' must be written [type] or [ { field: type, … } ], one item")
                    failed = true
                    continue
                }
                var elements: [FieldSpec]
                if case .mapping(let inner, _) = items[0], !inner.isEmpty {
                    elements = schemaFields(inner, prefix: "", failed: &failed)
                    if elements.contains(where: { $0.elements != nil }) {
                        error(items[0].location, "array field '\(name)': arrays inside array elements are not supported")
                        failed = true
                    }
                } else if let type = fieldType(items[0], field: name) {
                    elements = [FieldSpec(name: "", type: type, location: items[0].location)]
                } else {
                    failed = true
                    continue
                }
                var field = FieldSpec(name: name, type: .string, location: pair.keyLocation)
                field.elements = elements
                fields.append(field)
            default:
                if let type = fieldType(pair.value, field: name) {
                    fields.append(FieldSpec(name: name, type: type, location: pair.keyLocation))
                } else {
                    failed = true
                }
            }
        }
        return fields
    }
}
