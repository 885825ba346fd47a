// PluginConfig: the key/value configuration handed to plugins through config_get.
import RivuletManifest

/// Turns manifest config entries into what `config_get` answers. The empty key gives the whole
/// configuration as one JSON object, its structure and scalar types kept (what the Swift SDK reads).
/// The other keys are the flat view: nested mappings arrive with dotted keys (`rates.USD` = `0.92`);
/// each mapping's own key lists its children, comma-separated (`rates` = `USD,GBP`), so a plugin can
/// discover the keys of a mapping it did not know in advance.
enum PluginConfig {
    static func entries(_ config: [ConfigEntry], json: String = "{}") -> [(key: String, value: String)] {
        var result = [(key: "", value: json)] + config.map { (key: $0.key, value: $0.value) }
        var parents: [String] = []
        var children: [String: [String]] = [:]
        for entry in config {
            var key = Substring(entry.key)
            while let dot = key.lastIndex(of: ".") {
                let parent = String(key[..<dot])
                let child = String(key[key.index(after: dot)...])
                if children[parent] == nil { parents.append(parent) }
                if !(children[parent, default: []].contains(child)) { children[parent, default: []].append(child) }
                key = key[..<dot]
            }
        }
        for parent in parents where !result.contains(where: { $0.key == parent }) {
            result.append((parent, children[parent]!.joined(separator: ",")))
        }
        return result
    }
}
