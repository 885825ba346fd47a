// ManifestDecoder: reads each section of a manifest tree into the typed model, recording every error.
import Foundation

/// Decodes plugins, sources, operators, sinks, edges and dead_letters. Paths are made absolute against
/// the manifest's folder.
struct ManifestDecoder {
    let reader: ManifestReader
    let directory: String

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// Flattens a config mapping into dotted key/value entries.
    func config(_ node: ManifestNode?, prefix: String = "") -> [ConfigEntry] {
        guard let node else { return [] }
        guard case .mapping(let pairs, _) = node else {
            reader.error(node.location, "config must be a mapping")
            return []
        }
        var entries: [ConfigEntry] = []
        for pair in pairs {
            let key = prefix + pair.key
            switch pair.value {
            case .scalar(let s, let l, _): entries.append(ConfigEntry(key: key, value: s, location: l))
            case .mapping: entries += config(pair.value, prefix: key + ".")
            case .sequence(let items, let l):
                let values = items.compactMap { reader.string($0, "an item of config '\(key)'") }
                entries.append(ConfigEntry(key: key, value: values.joined(separator: ","), location: l))
            }
        }
        return entries
    }

    func plugins(_ node: ManifestNode) -> [PluginSpec] {
        reader.namedEntries(node, "plugins").compactMap { name, location, value in
            guard let m = reader.mapping(value, "plugin '\(name)'", allowed: ["library", "path", "config"]) else { return nil }
            let library = reader.string(m["library"], "library")
            let path = reader.string(m["path"], "path")
            if (library == nil) == (path == nil) {
                reader.error(value.location, "plugin '\(name)' needs exactly one of 'library' (a name found on the plugin path) and 'path'")
            }
            return PluginSpec(name: name, library: library, path: path.map(absolute), config: config(m["config"]), location: location)
        }
    }

    func schema(_ node: ManifestNode?, owner: String) -> [FieldSpec]? {
        guard let node else { return nil }
        let fields = reader.namedEntries(node, "the schema of '\(owner)'").compactMap { name, location, value -> FieldSpec? in
            guard let type = reader.choice(value, "field type", FieldType.allCases.map { ($0.rawValue, $0) }) else { return nil }
            return FieldSpec(name: name, type: type, location: location)
        }
        return fields
    }

    func sources(_ node: ManifestNode) -> [SourceSpec] {
        let allowed = ["type", "path", "format", "header", "delimiter", "schema", "key", "batch_size", "count", "seed", "keys", "rate"]
        return reader.namedEntries(node, "sources").compactMap { name, location, value in
            guard let m = reader.mapping(value, "source '\(name)'", allowed: allowed, required: ["type"]),
                let type = reader.choice(m["type"], "source type", [("file", "file"), ("stdin", "stdin"), ("generator", "generator")])
            else { return nil }
            let kind: SourceKind
            var defaultFormat = DataFormat.lines
            switch type {
            case "file":
                guard let path = reader.string(m["path"], "path") else {
                    reader.error(value.location, "file source '\(name)' needs 'path'")
                    return nil
                }
                kind = .file(path: absolute(path))
                defaultFormat = DataFormat.inferred(from: path)
            case "stdin":
                kind = .stdin
            default:
                guard m["count"] != nil else {
                    reader.error(value.location, "generator source '\(name)' needs 'count'")
                    return nil
                }
                kind = .generator(GeneratorSpec(
                    count: reader.int(m["count"], "count", minimum: 0) ?? 0,
                    seed: UInt64(reader.int(m["seed"], "seed", minimum: 0) ?? 1),
                    keys: reader.int(m["keys"], "keys", minimum: 1) ?? 100,
                    rate: reader.number(m["rate"], "rate")))
            }
            if type != "generator" {
                for key in ["count", "seed", "keys", "rate"] where m[key] != nil {
                    reader.error(m[key]!.location, "'\(key)' applies to generator sources only")
                }
            }
            let fields = schema(m["schema"], owner: name)
            let key = reader.string(m["key"], "key")
            if let key, let fields, !fields.contains(where: { $0.name == key }) {
                reader.error(m["key"]!.location, "key '\(key)' is not a field of the schema of '\(name)'")
            }
            return SourceSpec(
                name: name, kind: kind,
                format: reader.choice(m["format"], "format", DataFormat.allCases.map { ($0.rawValue, $0) }) ?? defaultFormat,
                header: reader.bool(m["header"], "header") ?? true,
                delimiter: reader.delimiter(m["delimiter"], "delimiter") ?? UInt8(ascii: ","),
                schema: fields, key: key, batchSize: reader.int(m["batch_size"], "batch_size", minimum: 1) ?? 1024,
                location: location)
        }
    }

    func operators(_ node: ManifestNode) -> [OperatorSpec] {
        let allowed = ["plugin", "operator", "config", "parallelism", "function", "arguments", "output"]
        return reader.namedEntries(node, "operators").compactMap { name, location, value in
            guard let m = reader.mapping(value, "operator '\(name)'", allowed: allowed) else { return nil }
            let parallelism = reader.int(m["parallelism"], "parallelism", minimum: 1) ?? 1
            let kind: OperatorKind
            if let f = m["function"] {
                for key in ["plugin", "operator"] where m[key] != nil {
                    reader.error(m[key]!.location, "operator '\(name)' has both 'function' and '\(key)'")
                }
                guard let spec = function(f, m, name: name, at: value.location) else { return nil }
                kind = .function(spec)
            } else {
                guard let plugin = reader.string(m["plugin"], "plugin"), let op = reader.string(m["operator"], "operator") else {
                    reader.error(value.location, "operator '\(name)' needs 'plugin' and 'operator' (or 'function')")
                    return nil
                }
                for key in ["arguments", "output"] where m[key] != nil {
                    reader.error(m[key]!.location, "'\(key)' applies to function operators only")
                }
                kind = .plugin(plugin: plugin, operator: op)
            }
            return OperatorSpec(name: name, kind: kind, config: config(m["config"]), parallelism: parallelism, location: location)
        }
    }

    private func function(_ node: ManifestNode, _ m: [String: ManifestNode], name: String, at location: SourceLocation) -> FunctionSpec? {
        guard let f = reader.mapping(node, "function of '\(name)'", allowed: ["library", "symbol", "args", "returns"],
                                     required: ["library", "symbol", "args", "returns"]),
            let library = reader.string(f["library"], "library"), let symbol = reader.string(f["symbol"], "symbol")
        else { return nil }
        let types = FFIType.allCases.map { ($0.rawValue, $0) }
        var args: [FFIType] = []
        if case .sequence(let items, _)? = f["args"] {
            args = items.compactMap { reader.choice($0, "argument type", types) }
        } else if let a = f["args"] {
            reader.error(a.location, "args must be a list of types")
        }
        guard let returns = reader.choice(f["returns"], "return type", types) else { return nil }
        if returns == .bytes {
            reader.error(f["returns"]!.location, "a function cannot return bytes; return i32, i64, f32 or f64")
        }
        guard let output = reader.string(m["output"], "output") else {
            reader.error(location, "function operator '\(name)' needs 'output' (the field its result goes to)")
            return nil
        }
        var arguments: [FunctionArgument] = []
        guard case .sequence(let items, let listLocation)? = m["arguments"] else {
            reader.error(m["arguments"]?.location ?? location, "function operator '\(name)' needs 'arguments': a list of field names or numbers")
            return nil
        }
        for (i, item) in items.enumerated() {
            guard case .scalar(let s, let l, let plain) = item else {
                reader.error(item.location, "an argument must be a field name or a number")
                continue
            }
            if plain, let v = Int64(s) {
                arguments.append(.integer(v))
            } else if plain, let v = Double(s) {
                arguments.append(.double(v))
            } else {
                arguments.append(.field(s))
                continue
            }
            if i < args.count && args[i] == .bytes {
                reader.error(l, "argument \(i + 1) of '\(name)' is bytes: it must be a field, not a literal")
            }
        }
        if arguments.count != args.count {
            reader.error(listLocation, "'\(name)' passes \(arguments.count) argument(s) but \(symbol) takes \(args.count)")
        }
        return FunctionSpec(library: library, symbol: symbol, args: args, returns: returns, arguments: arguments, output: output)
    }

    func sink(_ node: ManifestNode, name: String, location: SourceLocation, what: String) -> SinkSpec? {
        guard let m = reader.mapping(node, what, allowed: ["type", "path", "format", "header", "delimiter", "fields"], required: ["type"]),
            let type = reader.choice(m["type"], "sink type", [("file", "file"), ("stdout", "stdout"), ("null", "null")])
        else { return nil }
        let kind: SinkKind
        var defaultFormat = DataFormat.jsonl
        switch type {
        case "file":
            guard let path = reader.string(m["path"], "path") else {
                reader.error(node.location, "file sink '\(name)' needs 'path'")
                return nil
            }
            kind = .file(path: absolute(path))
            defaultFormat = DataFormat.inferred(from: path)
        case "stdout": kind = .stdout
        default: kind = .null
        }
        return SinkSpec(
            name: name, kind: kind,
            format: reader.choice(m["format"], "format", DataFormat.allCases.map { ($0.rawValue, $0) }) ?? defaultFormat,
            header: reader.bool(m["header"], "header") ?? true,
            delimiter: reader.delimiter(m["delimiter"], "delimiter") ?? UInt8(ascii: ","),
            fields: reader.strings(m["fields"], "fields"), location: location)
    }

    func sinks(_ node: ManifestNode) -> [SinkSpec] {
        reader.namedEntries(node, "sinks").compactMap { name, location, value in
            sink(value, name: name, location: location, what: "sink '\(name)'")
        }
    }

    func edges(_ node: ManifestNode) -> [EdgeSpec] {
        guard case .sequence(let items, _) = node else {
            reader.error(node.location, "edges must be a list of \"from -> to\" strings")
            return []
        }
        return items.compactMap { item in
            guard let text = reader.string(item, "an edge") else { return nil }
            let parts = text.components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let from = endpoint(parts[0], defaultPort: "out"), let to = endpoint(parts[1], defaultPort: "in") else {
                reader.error(item.location, "edge '\(text)' must look like 'node -> node' or 'node.port -> node.port'")
                return nil
            }
            return EdgeSpec(from: from, to: to, location: item.location)
        }
    }

    private func endpoint(_ text: String, defaultPort: String) -> Endpoint? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(pieces.count), !pieces.contains(where: { $0.isEmpty || $0.contains(" ") }) else { return nil }
        return Endpoint(node: pieces[0], port: pieces.count == 2 ? pieces[1] : defaultPort)
    }
}
