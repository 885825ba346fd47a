// ManifestDecoder+Windows: window operators: kind, sizes, grace, emission, key_by and aggregates.
import Foundation
import RivuletCore

extension ManifestDecoder {
    /// The keys of a window operator.
    static let windowOperatorKeys = ["window", "size", "advance", "gap", "grace", "emit", "key_by", "aggregates", "parallelism", "chain"]
    /// The built-in aggregates and the arguments each takes, for messages.
    static let builtinAggregates: [String: String] = [
        "count": "count()", "sum": "sum(field)", "min": "min(field)", "max": "max(field)", "avg": "avg(field)",
        "percentile": "percentile(field, p)", "top": "top(label_field, measure_field, n)",
    ]

    /// A window operator `m` named `name`.
    mutating func window(_ m: MappingFields, name: String) -> WindowSpec? {
        let type = choice(m["window"], "window type", among: ["tumbling", "hopping", "sliding", "session"])
        let size = duration(m["size"], .windowSize)
        let advance = duration(m["advance"], .windowAdvance)
        let gap = duration(m["gap"], .sessionGap)
        let grace = duration(m["grace"], .grace) ?? 0
        let emit = choice(m["emit"], "emit mode", as: WindowSpec.Emit.self) ?? .final
        let keyBy = string(m["key_by"], "key_by")
        let needs: [String] =
            switch type {
            case "hopping": ["size", "advance"]
            case "session": ["gap"]
            case nil: []
            default: ["size"]
            }
        let applies: [String] =
            switch type {
            case "hopping": ["size", "advance"]
            case "session": ["gap"]
            default: ["size"]
            }
        for key in needs where !m.has(key) {
            error(m.location, "a \(type!) window needs '\(key)'")
        }
        for key in ["size", "advance", "gap"] where type != nil && !applies.contains(key) {
            if let location = m.keyLocation(key) { error(location, "'\(key)' does not apply to a \(type!) window") }
        }
        if type == "hopping", let size, let advance, let node = m["advance"] {
            if size % advance != 0 {
                error(node.location, "a hopping window's size (\(size) ms) must be a whole multiple of its advance (\(advance) ms)")
            } else if !Limit.windowsPerRecord.allows(size / advance) {
                error(
                    node.location,
                    "a hopping window's size / advance (each record's windows) must be \(Limit.windowsPerRecord.rangeText), got \(size / advance) (size \(size) ms, advance \(advance) ms): raise advance"
                )
            }
        }
        var aggregates: [AggregateSpec] = []
        if let node = m["aggregates"] {
            aggregates = self.aggregates(node, operator: name, keyBy: keyBy)
        } else {
            error(m.location, "window operator '\(name)' needs 'aggregates': a mapping of output fields to aggregates such as count() or sum(amount)")
        }
        let kind: WindowSpec.Kind? =
            switch type {
            case "tumbling": size.map { .tumbling(size: $0) }
            case "hopping": size.flatMap { s in advance.map { .hopping(size: s, advance: $0) } }
            case "sliding": size.map { .sliding(size: $0) }
            case "session": gap.map { .session(gap: $0) }
            default: nil
            }
        guard let kind, !aggregates.isEmpty else { return nil }
        var spec = WindowSpec(kind: kind, grace: grace, emit: emit, keyBy: keyBy, aggregates: aggregates)
        spec.keyByExpression = keyExpression(m["key_by"], keyBy, "key_by")
        return spec
    }

    /// `aggregates`: output field -> `function(arguments)` or `plugin.function(arguments)`.
    private mutating func aggregates(_ node: YAMLNode, operator name: String, keyBy: String?) -> [AggregateSpec] {
        guard case .mapping(let pairs, _) = node, !pairs.isEmpty else {
            error(node.location, "aggregates must be a mapping of output fields to aggregates such as count() or sum(amount), got \(node.got)")
            return []
        }
        var result: [AggregateSpec] = []
        let reserved = ["window_start", "window_end"] + (keyBy.map { [$0] } ?? [])
        for pair in pairs {
            if reserved.contains(pair.key) {
                error(pair.keyLocation, "aggregate output '\(pair.key)' clashes with the window's own field '\(pair.key)'")
                continue
            }
            guard let text = string(pair.value, "aggregate '\(pair.key)'") else { continue }
            // `count() where status == 'failed'`: the condition is an expression, located inside the text.
            if let (call, condition, offset) = Self.splitWhere(text) {
                guard var spec = aggregate(call, output: pair.key, at: pair.value.location),
                    var e = expression(pair.value, "aggregate '\(pair.key)'")
                else { continue }
                e = ExpressionText(text: condition, location: e.location(at: offset))
                spec.condition = e
                result.append(spec)
                continue
            }
            if let spec = aggregate(text, output: pair.key, at: pair.value.location) { result.append(spec) }
        }
        return result.count == pairs.count ? result : []
    }

    /// Parses `name(arg, …)` / `plugin.name(arg, …)` and checks built-ins' arguments.
    private mutating func aggregate(_ text: String, output: String, at location: SourceLocation) -> AggregateSpec? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else {
            let hint = trimmed.contains("(") && !trimmed.contains(")") ? " (its ')' is missing)" : ""
            error(location, "aggregate '\(output)' must be written function(arguments), e.g. count() or sum(amount); got '\(text)'\(hint)")
            return nil
        }
        let callee = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let words = inner.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let arguments: [FunctionArgument] =
            words == [""]
            ? []
            : words.map { word in
                if let i = NumberSyntax.integer(word) { return .integer(i) }
                if let d = NumberSyntax.double(word) { return .double(d) }
                return .field(word)
            }
        if words != [""], words.contains(where: \.isEmpty) {
            error(location, "aggregate '\(output)': empty argument in '\(text)'")
            return nil
        }
        let parts = callee.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            if !pluginNames.contains(parts[0]) {
                error(location, "aggregate '\(output)' uses plugin '\(parts[0])', which is not declared under plugins")
                return nil
            }
            return AggregateSpec(output: output, plugin: parts[0], function: parts[1], arguments: arguments, location: location)
        }
        guard let usage = Self.builtinAggregates[callee] else {
            let known = Self.builtinAggregates.keys.sorted().joined(separator: ", ")
            error(
                location,
                "unknown aggregate '\(callee)' (built-in: \(known); a plugin's: plugin.name(…))"
                    + DidYouMean.hint(callee, among: Self.builtinAggregates.keys.sorted()))
            return nil
        }
        func isField(_ a: FunctionArgument) -> Bool { !a.isLiteral }
        let valid: Bool =
            switch callee {
            case "count": arguments.isEmpty
            case "sum", "min", "max", "avg": arguments.count == 1 && isField(arguments[0])
            case "percentile":
                arguments.count == 2 && isField(arguments[0])
                    && {
                        switch arguments[1] {
                        case .integer(let p): Limit.percentile.allows(p)
                        case .double(let p): Limit.percentile.allows(p)
                        case .field: false
                        }
                    }()
            case "top":
                arguments.count == 3 && isField(arguments[0]) && isField(arguments[1])
                    && {
                        if case .integer(let n) = arguments[2] { return Limit.top.allows(n) }
                        return false
                    }()
            default: false
            }
        guard valid else {
            let bounds =
                switch callee {
                case "percentile": " (p \(Limit.percentile.rangeText))"
                case "top": " (n \(Limit.top.rangeText))"
                default: ""
                }
            error(location, "aggregate '\(output)': \(callee) takes \(usage)\(bounds), got '\(text)'")
            return nil
        }
        return AggregateSpec(output: output, plugin: nil, function: callee, arguments: arguments, location: location)
    }
}
