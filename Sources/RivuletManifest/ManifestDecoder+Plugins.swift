// ManifestDecoder+Plugins: the `plugins` section and the flattening of `config` values.

extension ManifestDecoder {
    /// Decodes `plugins`: name -> { library | path, config }.
    mutating func plugins(_ node: YAMLNode) -> [PluginSpec] {
        let pairs = entries(node, "plugins")
        pluginNames = pairs.map(\.key)
        var result: [PluginSpec] = []
        for pair in pairs {
            let what = "plugin '\(pair.key)'"
            guard let m = fields(pair.value, what, allowed: ["library", "path", "config"]) else { continue }
            let library = string(m["library"], "library")
            let path = string(m["path"], "path")
            switch (m.has("library"), m.has("path")) {
            case (true, true):
                error(m.location, "\(what) has both 'library' and 'path': give exactly one")
            case (false, false):
                error(m.location, "\(what) needs exactly one of 'library' (a name found on the plugin search path) and 'path'")
            default:
                break
            }
            let config = m["config"].map { self.config($0) } ?? []
            if let path, let node = m["path"] { files.append((what, absolute(path), node.location, false)) }
            var spec = PluginSpec(
                name: pair.key, library: library, path: path.map { absolute($0) }, config: config,
                location: pair.keyLocation)
            if let node = m["config"], case .mapping = node { spec.configJSON = ConfigJSON.render(node) }
            result.append(spec)
        }
        return result
    }

    /// Flattens a `config` mapping for `config_get`: scalars as written, lists of scalars joined with ",",
    /// nested mappings under dotted keys (`rates: {USD: 1.0}` gives `rates.USD` = `1.0`), lists holding
    /// mappings or lists item by item under their index (`routes.0.to`). The structure itself reaches
    /// plugins whole as JSON (`configJSON`, `config_get(ctx, "")`). Keys must not be empty (the empty key
    /// is the whole configuration).
    mutating func config(_ node: YAMLNode, prefix: String = "") -> [ConfigEntry] {
        guard case .mapping(let pairs, _) = node else {
            error(node.location, "\(prefix.isEmpty ? "config" : "config '\(prefix.dropLast())'") must be a mapping, got \(node.got)")
            return []
        }
        var result: [ConfigEntry] = []
        for pair in pairs {
            guard !pair.key.isEmpty else {
                error(pair.keyLocation, "config keys must not be empty")
                continue
            }
            let key = prefix + pair.key
            switch pair.value {
            case .scalar(let text, _, let location):
                result.append(ConfigEntry(key: key, value: text, location: location))
            case .mapping:
                result += config(pair.value, prefix: key + ".")
            case .sequence(let items, let location):
                if items.allSatisfy({ $0.text != nil }) {
                    result.append(ConfigEntry(key: key, value: items.compactMap(\.text).joined(separator: ","), location: location))
                } else {
                    for (i, item) in items.enumerated() {
                        switch item {
                        case .scalar(let text, _, let itemLocation):
                            result.append(ConfigEntry(key: "\(key).\(i)", value: text, location: itemLocation))
                        case .mapping: result += config(item, prefix: "\(key).\(i).")
                        case .sequence:
                            result += config(
                                .mapping([YAMLPair(key: "\(i)", keyLocation: item.location, value: item)], item.location), prefix: key + ".")
                        }
                    }
                }
            }
        }
        return result
    }
}
