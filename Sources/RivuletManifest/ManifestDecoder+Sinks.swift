// ManifestDecoder+Sinks: the `sinks` section and `dead_letters`: files, stdout, null and Kafka topics.

extension ManifestDecoder {
    /// The keys each sink type accepts. A null sink accepts (and ignores) every sink key, so that any sink
    /// can be switched off with one override (`--set sinks.out.type=null`).
    static let sinkKeys: [String: [String]] = [
        "file": ["type", "path", "format", "header", "delimiter", "fields", "ops", "ordered", "timestamps", "decimals"],
        "stdout": ["type", "format", "header", "delimiter", "fields", "ops", "ordered", "timestamps", "decimals"],
        "null": [
            "type", "path", "format", "header", "delimiter", "fields", "ops", "ordered", "topic", "bootstrap_servers", "key", "header_fields",
            "properties", "timestamps", "decimals",
        ],
        "kafka": [
            "type", "topic", "bootstrap_servers", "format", "delimiter", "fields", "ops", "key", "header_fields", "properties", "timestamps",
            "decimals",
        ],
    ]
    /// Every key any sink accepts.
    static let allSinkKeys = [
        "type", "path", "format", "header", "delimiter", "fields", "ops", "ordered", "topic", "bootstrap_servers", "key", "header_fields",
        "properties", "timestamps", "decimals",
    ]

    /// Decodes `sinks`: name -> definition.
    mutating func sinks(_ node: YAMLNode) -> [SinkSpec] {
        let pairs = entries(node, "sinks", atLeastOne: "sink")
        declare(pairs, as: .sink)
        return pairs.compactMap { sink($0.value, name: $0.key, location: $0.keyLocation, what: "sink '\($0.key)'") }
    }

    /// One sink description; `what` names it in messages ("sink 'out'" or "dead_letters").
    mutating func sink(_ node: YAMLNode, name: String, location: SourceLocation, what: String) -> SinkSpec? {
        let typeNode = node["type"]
        let type = typeNode.flatMap { node -> String? in
            guard let text = node.text, Self.sinkKeys[text] != nil else { return nil }
            return text
        }
        let allowed = type.flatMap { Self.sinkKeys[$0] } ?? Self.allSinkKeys
        guard
            let m = fields(
                node, what, allowed: allowed, required: type == "file" ? ["type", "path"] : type == "kafka" ? ["type", "topic"] : ["type"],
                otherKeys: Self.allSinkKeys, otherContext: "a \(type ?? "") sink")
        else { return nil }
        if type == nil, let typeNode {
            _ = choice(typeNode, "sink type", among: ["file", "stdout", "null", "kafka"])
        }
        let kind: SinkKind?
        var inferred = DataFormat.jsonl
        switch type {
        case "file":
            let path = string(m["path"], "path")
            kind = path.map { .file(path: absolute($0)) }
            if let path, let node = m["path"] { files.append((what, absolute(path), node.location, true)) }
            inferred = path.map { DataFormat.inferred(fromPath: $0) } ?? .jsonl
        case "stdout":
            kind = .stdout
        case "null":
            _ = string(m["path"], "path")
            kind = .null
        case "kafka":
            kind = kafkaSink(m).map { .kafka($0) }
        default:
            kind = nil
        }
        let format = choice(m["format"], "format", as: DataFormat.self) ?? inferred
        let header = type == "kafka" ? false : bool(m["header"], "header") ?? true
        let delimiter = delimiter(m["delimiter"]) ?? UInt8(ascii: ",")
        let fields = stringList(m["fields"], "fields")
        let ops = bool(m["ops"], "ops") ?? false
        let ordered = bool(m["ordered"], "ordered") ?? false
        guard let kind else { return nil }
        var spec = SinkSpec(
            name: name, kind: kind, format: format, header: header, delimiter: delimiter, fields: fields,
            ops: ops, location: location)
        spec.ordered = ordered
        spec.timestamps = choice(m["timestamps"], "timestamps", among: ["epoch_ms", "rfc3339"])
        if let node = m["decimals"] {
            for entry in entries(node, "decimals of \(what)") {
                guard let places = integer(entry.value, .decimals) else { continue }
                spec.decimals.append(SinkSpec.Decimals(field: entry.key, places: places, location: entry.keyLocation))
            }
        }
        return spec
    }
}
