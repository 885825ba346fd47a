// ConfigJSON: a plugin's or operator's `config` mapping as one JSON object, the structure kept.

/// Renders a `config` mapping as the JSON object plugins read with `config_get(ctx, "")` (docs/ABI.md):
/// mappings stay objects (in the manifest's order), lists stay arrays, and plain scalars are typed by
/// YAML's core schema as the manifest reads them — null (`~`, `null`, empty), booleans (`true`, `False`),
/// integers (`42`, `1_000`, `0x1F`) and finite floats (`0.92`, `1e3`) become JSON null, booleans and
/// numbers; everything else, and every quoted scalar, is a JSON string.
enum ConfigJSON {
    static func render(_ node: YAMLNode) -> String {
        var out = ""
        write(node, to: &out)
        return out
    }

    private static func write(_ node: YAMLNode, to out: inout String) {
        switch node {
        case .mapping(let pairs, _):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += "," }
                quote(pair.key, to: &out)
                out += ":"
                write(pair.value, to: &out)
            }
            out += "}"
        case .sequence(let items, _):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .scalar(let text, let plain, _):
            guard plain else { return quote(text, to: &out) }
            if node.isNull {
                out += "null"
            } else if let b = NumberSyntax.bool(text) {
                out += b ? "true" : "false"
            } else if let i = NumberSyntax.integer(text) {
                out += String(i)
            } else if let d = NumberSyntax.double(text), d.isFinite {
                out += "\(d)"
            } else {
                quote(text, to: &out)
            }
        }
    }

    private static func quote(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
