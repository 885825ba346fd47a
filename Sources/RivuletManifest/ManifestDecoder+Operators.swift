// ManifestDecoder+Operators: the `operators` section: plugin operators and FFI function operators.
import RivuletCore

extension ManifestDecoder {
    /// The keys of a plugin operator.
    static let pluginOperatorKeys = ["plugin", "operator", "config", "stores", "parallelism", "chain"]
    /// The keys of an FFI operator.
    static let functionOperatorKeys = ["function", "arguments", "output", "parallelism", "chain"]
    /// The keys of an FFI operator's `function` (all required).
    static let functionKeys = ["library", "symbol", "args", "returns"]

    /// Decodes `operators`: name -> definition.
    mutating func operators(_ node: YAMLNode) -> [OperatorSpec] {
        let pairs = entries(node, "operators")
        declare(pairs, as: .operator)
        return pairs.compactMap { self.operator($0) }
    }

    private mutating func `operator`(_ pair: YAMLPair) -> OperatorSpec? {
        let name = pair.key, what = "operator '\(name)'"
        let value = pair.value
        if value["filter"] != nil || value["map"] != nil {
            return expressionOperator(pair)
        }
        if value["explode"] != nil {
            guard
                let m = fields(
                    value, what, allowed: ["explode", "parallelism", "chain"], required: ["explode"],
                    otherKeys: Self.pluginOperatorKeys + Self.windowOperatorKeys, otherContext: "an explode operator")
            else { return nil }
            let parallelism = integer(m["parallelism"], .parallelism) ?? 1
            let chain = bool(m["chain"], "chain") ?? true
            guard let field = string(m["explode"], "explode (the array field)") else { return nil }
            return OperatorSpec(name: name, kind: .explode(field), config: [], parallelism: parallelism, chain: chain, location: pair.keyLocation)
        }
        if value["table"] != nil {
            guard
                let m = fields(
                    value, what, allowed: ["table", "store", "chain"], required: ["table"],
                    otherKeys: Self.pluginOperatorKeys + Self.joinOperatorKeys, otherContext: "a table operator")
            else { return nil }
            let key = string(m["table"], "table (the key field)")
            let store = string(m["store"], "store")
            if let store, let node = m["store"], !storeNames.contains(store) {
                error(node.location, "table '\(name)' uses store '\(store)', which is not declared under stores")
            }
            let chain = bool(m["chain"], "chain") ?? true
            guard let key else { return nil }
            var table = TableSpec(key: key, store: store)
            table.keyExpression = keyExpression(m["table"], key, "table")
            var spec = OperatorSpec(name: name, kind: .table(table), config: [], parallelism: 1, chain: chain, location: pair.keyLocation)
            spec.stores = store.map { [$0] } ?? []
            return spec
        }
        if value["lookup"] != nil {
            guard
                let m = fields(
                    value, what, allowed: Self.lookupOperatorKeys, required: ["lookup"],
                    otherKeys: Self.pluginOperatorKeys + Self.functionOperatorKeys + Self.windowOperatorKeys, otherContext: "a lookup operator")
            else { return nil }
            let parallelism = integer(m["parallelism"], .parallelism) ?? 1
            let chain = bool(m["chain"], "chain") ?? true
            guard let lookup = lookup(m, name: name) else { return nil }
            return OperatorSpec(name: name, kind: .lookup(lookup), config: [], parallelism: parallelism, chain: chain, location: pair.keyLocation)
        }
        if value["join"] != nil {
            guard
                let m = fields(
                    value, what, allowed: Self.joinOperatorKeys, required: ["join"],
                    otherKeys: Self.pluginOperatorKeys + Self.functionOperatorKeys + Self.windowOperatorKeys, otherContext: "a join operator")
            else { return nil }
            let parallelism = integer(m["parallelism"], .parallelism) ?? 1
            let chain = bool(m["chain"], "chain") ?? true
            if parallelism > 1, let location = m.keyLocation("parallelism") {
                error(location, "join operators run with parallelism 1 for now (both inputs would need partitioning by their own key)")
            }
            guard let join = join(m, name: name) else { return nil }
            var spec = OperatorSpec(name: name, kind: .join(join), config: [], parallelism: 1, chain: chain, location: pair.keyLocation)
            spec.stores = join.store.map { [$0] } ?? []
            return spec
        }
        if value["window"] != nil {
            guard
                let m = fields(
                    value, what, allowed: Self.windowOperatorKeys, required: ["window"],
                    otherKeys: Self.pluginOperatorKeys + Self.functionOperatorKeys, otherContext: "a window operator")
            else { return nil }
            let parallelism = integer(m["parallelism"], .parallelism) ?? 1
            let chain = bool(m["chain"], "chain") ?? true
            guard let window = window(m, name: name) else { return nil }
            return OperatorSpec(
                name: name, kind: .window(window), config: [], parallelism: parallelism, chain: chain,
                location: pair.keyLocation)
        }
        let isFunction = value["function"] != nil
        let isPlugin = value["plugin"] != nil || value["operator"] != nil
        let m: MappingFields?
        switch (isFunction, isPlugin) {
        case (true, false):
            m = fields(
                value, what, allowed: Self.functionOperatorKeys, required: ["function", "arguments", "output"],
                otherKeys: Self.pluginOperatorKeys, otherContext: "a function operator")
        case (false, true):
            m = fields(
                value, what, allowed: Self.pluginOperatorKeys, required: ["plugin", "operator"],
                otherKeys: Self.functionOperatorKeys, otherContext: "a plugin operator")
        default:
            m = fields(value, what, allowed: Self.pluginOperatorKeys + Self.functionOperatorKeys.dropLast())
            guard let m else { return nil }
            error(
                m.location,
                isFunction
                    ? "\(what) has both 'function' and 'plugin'/'operator': an operator is either plugin + operator, or function + arguments + output"
                    : "\(what) needs either 'plugin' and 'operator', 'function', 'arguments' and 'output', or 'window' and 'aggregates'")
            return nil
        }
        guard let m else { return nil }
        let parallelism = integer(m["parallelism"], .parallelism) ?? 1
        let chain = bool(m["chain"], "chain") ?? true
        if isFunction {
            guard let function = m["function"].flatMap({ self.function($0, m, operator: name) }) else { return nil }
            return OperatorSpec(
                name: name, kind: .function(function), config: [], parallelism: parallelism, chain: chain,
                location: pair.keyLocation)
        }
        let plugin = string(m["plugin"], "plugin")
        let op = string(m["operator"], "operator")
        if let plugin, let node = m["plugin"], !pluginNames.contains(plugin) {
            let declared = pluginNames.isEmpty ? "none is declared" : "declared: \(pluginNames.joined(separator: ", "))"
            error(
                node.location,
                "\(what) uses plugin '\(plugin)', which is not declared under plugins (\(declared))" + DidYouMean.hint(plugin, among: pluginNames))
        }
        let config = m["config"].map { self.config($0) } ?? []
        let stores = stringList(m["stores"], "stores") ?? []
        if let node = m["stores"] {
            for store in stores where !storeNames.contains(store) {
                let declared = storeNames.isEmpty ? "none is declared" : "declared: \(storeNames.joined(separator: ", "))"
                error(
                    node.location,
                    "\(what) uses store '\(store)', which is not declared under stores (\(declared))" + DidYouMean.hint(store, among: storeNames))
            }
        }
        guard let plugin, let op else { return nil }
        var spec = OperatorSpec(
            name: name, kind: .plugin(plugin: plugin, operator: op), config: config, parallelism: parallelism,
            chain: chain, location: pair.keyLocation)
        spec.stores = stores
        if let node = m["config"], case .mapping = node { spec.configJSON = ConfigJSON.render(node) }
        return spec
    }

    /// The `function` of an FFI operator, with its `arguments` and `output` from the operator `m`.
    private mutating func function(_ node: YAMLNode, _ m: MappingFields, operator name: String) -> FunctionSpec? {
        let what = "the function of operator '\(name)'"
        guard let f = fields(node, what, allowed: Self.functionKeys, required: Self.functionKeys) else { return nil }
        let library = string(f["library"], "library")
        let symbol = string(f["symbol"], "symbol")
        var args: [FFIType]?
        if let node = f["args"] {
            if case .sequence(let items, _) = node {
                let types = items.compactMap { choice($0, "FFI type", as: FFIType.self) }
                args = types.count == items.count ? types : nil
            } else {
                error(node.location, "args must be a list of FFI types (i32, i64, f32, f64, bytes), got \(node.got)")
            }
        }
        let returns = choice(f["returns"], "FFI type", as: FFIType.self)
        if returns == .bytes, let node = f["returns"] {
            error(node.location, "a function cannot return bytes; return i32, i64, f32 or f64")
        }
        let arguments = m["arguments"].flatMap { self.arguments($0, args: args, operator: name, symbol: symbol) }
        let output = string(m["output"], "output")
        guard let library, let symbol, let args, let returns, let arguments, let output else { return nil }
        return FunctionSpec(library: library, symbol: symbol, args: args, returns: returns, arguments: arguments, output: output)
    }

    /// The `arguments` list: a plain number is a literal, anything else a field name. Checked against
    /// `args` when known: same count, and `bytes` parameters take fields only.
    private mutating func arguments(_ node: YAMLNode, args: [FFIType]?, operator name: String, symbol: String?) -> [FunctionArgument]? {
        guard case .sequence(let items, let location) = node else {
            error(node.location, "arguments must be a list of field names and numbers, got \(node.got)")
            return nil
        }
        var result: [FunctionArgument] = []
        for (index, item) in items.enumerated() {
            guard case .scalar(let text, let plain, let itemLocation) = item, !item.isNull else {
                error(item.location, "argument \(index + 1) of operator '\(name)' must be a field name or a number, got \(item.got)")
                continue
            }
            let argument: FunctionArgument
            if plain, let integer = NumberSyntax.integer(text) {
                argument = .integer(integer)
            } else if plain, let double = NumberSyntax.double(text) {
                argument = .double(double)
            } else {
                argument = .field(text)
            }
            if let args, index < args.count, args[index] == .bytes, argument.isLiteral {
                error(itemLocation, "argument \(index + 1) of operator '\(name)' is bytes, so it must be a field name, not the literal \(text)")
            }
            if let args, index < args.count, args[index] == .i32, case .integer(let value) = argument, !Limit.ffiI32Literal.allows(value) {
                error(
                    itemLocation,
                    "argument \(index + 1) of operator '\(name)' is i32, so its literal must be \(Limit.ffiI32Literal.expectation), got \(text)")
            }
            result.append(argument)
        }
        if let args, items.count != args.count {
            let types = args.map(\.rawValue).joined(separator: ", ")
            error(
                location,
                "operator '\(name)' passes \(items.count) argument\(items.count == 1 ? "" : "s") but \(symbol ?? "its function") takes \(args.count) (args: [\(types)])"
            )
        }
        return result.count == items.count ? result : nil
    }
}
