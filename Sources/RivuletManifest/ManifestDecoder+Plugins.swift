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
            result.append(PluginSpec(name: pair.key, library: library, path: path.map { absolute($0) }, config: config,
                                     location: pair.keyLocation))
        }
        return result
    }

    /// Flattens a `config` mapping: scalars as written, lists of scalars joined with ",", nested mappings
    /// under dotted keys (`rates: {USD: 1.0}` gives `rates.USD` = `1.0`).
    mutating func config(_ node: YAMLNode, prefix: String = "") -> [ConfigEntry] {
        guard case .mapping(let pairs, _) = node else {
            error(node.location, "\(prefix.isEmpty ? "config" : "config '\(prefix.dropLast())'") must be a mapping, got \(node.got)")
            return []
        }
        var result: [ConfigEntry] = []
        for pair in pairs {
            let key = prefix + pair.key
            switch pair.value {
            case .scalar(let text, _, let location):
                result.append(ConfigEntry(key: key, value: text, location: location))
            case .mapping:
                result += config(pair.value, prefix: key + ".")
            case .sequence(let items, let location):
                var values: [String] = []
                for item in items {
                    guard let text = item.text else {
                        error(item.location, "config '\(key)': a list item must be a single value, got \(item.got)")
                        continue
                    }
                    values.append(text)
                }
                result.append(ConfigEntry(key: key, value: values.joined(separator: ","), location: location))
            }
        }
        return result
    }
}
