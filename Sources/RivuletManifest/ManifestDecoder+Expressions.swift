// ManifestDecoder+Expressions: `filter:` and `map:` operators, whose expressions the planner compiles.

extension ManifestDecoder {
    static let filterOperatorKeys = ["filter", "parallelism", "chain"]
    static let mapOperatorKeys = ["map", "parallelism", "chain"]

    /// An expression: a non-empty string, located at its first character (after an opening quote).
    mutating func expression(_ node: YAMLNode?, _ what: String) -> ExpressionText? {
        guard let node else { return nil }
        guard case .scalar(let text, let plain, let location) = node, !node.isNull, !text.isEmpty else {
            error(node.location, "\(what) must be an expression (a string), got \(node.got)")
            return nil
        }
        var start = location
        if !plain { start.column += 1 }
        return ExpressionText(text: text, location: start)
    }

    /// A key (`key_by`, `left_key`, `right_key`) written as an expression rather than a field name: it
    /// holds a space, a parenthesis or a quote (`lower(email)`, `a || b`); a field name never needs them.
    mutating func keyExpression(_ node: YAMLNode?, _ text: String?, _ what: String) -> ExpressionText? {
        guard let text, text.contains(where: { $0 == " " || $0 == "(" || $0 == "'" || $0 == "`" }) else { return nil }
        return expression(node, what)
    }

    /// `text` split at a top-level ` where ` (outside quotes and parentheses): the part before, and the
    /// condition with its offset in `text`.
    static func splitWhere(_ text: String) -> (String, String, Int)? {
        let chars = Array(text.unicodeScalars)
        var depth = 0, quoted = false
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" { quoted.toggle() }
            if !quoted {
                if c == "(" { depth += 1 }
                if c == ")" { depth -= 1 }
                if depth == 0, c == " ", i + 7 <= chars.count,
                    String(String.UnicodeScalarView(chars[i..<i + 7])).lowercased() == " where "
                {
                    let before = String(String.UnicodeScalarView(chars[..<i]))
                    let after = String(String.UnicodeScalarView(chars[(i + 7)...]))
                    return (before, after, i + 7)
                }
            }
            i += 1
        }
        return nil
    }

    mutating func expressionOperator(_ pair: YAMLPair) -> OperatorSpec? {
        let name = pair.key, what = "operator '\(name)'"
        let isFilter = pair.value["filter"] != nil
        guard
            let m = fields(
                pair.value, what, allowed: isFilter ? Self.filterOperatorKeys : Self.mapOperatorKeys, required: [isFilter ? "filter" : "map"],
                otherKeys: Self.pluginOperatorKeys + Self.windowOperatorKeys + Self.joinOperatorKeys,
                otherContext: isFilter ? "a filter operator" : "a map operator")
        else { return nil }
        let parallelism = integer(m["parallelism"], .parallelism) ?? 1
        let chain = bool(m["chain"], "chain") ?? true
        let kind: OperatorKind
        if isFilter {
            guard let e = expression(m["filter"], "filter") else { return nil }
            kind = .filter(e)
        } else {
            guard let node = m["map"], let spec = mapSpec(node, what) else { return nil }
            kind = .map(spec)
        }
        return OperatorSpec(name: name, kind: kind, config: [], parallelism: parallelism, chain: chain, location: pair.keyLocation)
    }

    private mutating func mapSpec(_ node: YAMLNode, _ what: String) -> MapSpec? {
        guard let m = fields(node, "map of \(what)", allowed: ["set", "drop", "rename"]) else { return nil }
        guard m.has("set") || m.has("drop") || m.has("rename") else {
            error(m.location, "map of \(what) does nothing: give set, drop or rename")
            return nil
        }
        var spec = MapSpec(set: [], drop: [], rename: [])
        if let set = m["set"] {
            for entry in entries(set, "set of \(what)") {
                guard let e = expression(entry.value, "field '\(entry.key)' of set") else { continue }
                spec.set.append(MapSpec.Assignment(name: entry.key, expression: e, location: entry.keyLocation))
            }
        }
        if let drop = m["drop"] {
            guard case .sequence(let items, _) = drop else {
                error(drop.location, "drop of \(what) must be a list of field names, got \(drop.got)")
                return nil
            }
            for item in items {
                guard let field = string(item, "a field name in drop") else { continue }
                spec.drop.append(MapSpec.Named(name: field, to: nil, location: item.location))
            }
        }
        if let rename = m["rename"] {
            for entry in entries(rename, "rename of \(what)") {
                guard let to = string(entry.value, "the new name of '\(entry.key)'") else { continue }
                spec.rename.append(MapSpec.Named(name: entry.key, to: to, location: entry.value.location))
            }
        }
        return spec
    }
}
