// Manifest+Expressions: keys and aggregate conditions written as expressions become `map` nodes before their operator.

extension Manifest {
    /// A window whose `key_by` is an expression, or with aggregates `… where <condition>`, gets a `map`
    /// node `<window>-expressions` in front of it that computes them as fields — the key under the
    /// expression's text, each condition as `__where_<output>` — so the window keys by a field and its
    /// aggregates skip records whose condition is not true. A join key written as an expression gets
    /// `<join>-left_key` / `<join>-right_key` in front of that input, a table's `<table>-key`. The map's failures are dead-lettered
    /// under its name. Runs after validation (the nodes are Rivulet's own), before a Kafka application's
    /// repartition topics are added (they then carry the computed fields).
    mutating func insertExpressionNodes() {
        for (k, op) in operators.enumerated() {
            switch op.kind {
            case .window(let window):
                var set: [MapSpec.Assignment] = []
                if let key = window.keyByExpression {
                    set.append(.init(name: key.text, expression: key, location: key.location, describedAs: "window '\(op.name)', key_by"))
                }
                for a in window.aggregates {
                    guard let c = a.condition else { continue }
                    set.append(
                        .init(
                            name: a.conditionField, expression: c, location: c.location,
                            describedAs: "window '\(op.name)', aggregate '\(a.output)' where", isCondition: true))
                }
                guard !set.isEmpty else { continue }
                insertMap("\(op.name)-expressions", set: set, before: Endpoint(node: op.name, port: "in"), like: operators[k])
            case .table(let table):
                guard let e = table.keyExpression else { continue }
                insertMap(
                    "\(op.name)-key", set: [.init(name: e.text, expression: e, location: e.location, describedAs: "table '\(op.name)', key")],
                    before: Endpoint(node: op.name, port: "in"), like: operators[k])
            case .join(let join):
                for (port, e) in [("left", join.leftKeyExpression), ("right", join.rightKeyExpression)] {
                    guard let e else { continue }
                    insertMap(
                        "\(op.name)-\(port)_key",
                        set: [.init(name: e.text, expression: e, location: e.location, describedAs: "join '\(op.name)', \(port)_key")],
                        before: Endpoint(node: op.name, port: port), like: operators[k])
                }
            default:
                continue
            }
        }
    }

    /// Adds a map `name` computing `set`, fed by every edge into `endpoint`, feeding it.
    private mutating func insertMap(_ name: String, set: [MapSpec.Assignment], before endpoint: Endpoint, like op: OperatorSpec) {
        var unique = name
        var n = 2
        while operators.contains(where: { $0.name == unique }) || sources.contains(where: { $0.name == unique })
            || sinks.contains(where: { $0.name == unique })
        {
            unique = "\(name)\(n)"
            n += 1
        }
        edges = edges.map { edge in
            guard edge.to == endpoint else { return edge }
            return EdgeSpec(from: edge.from, to: Endpoint(node: unique, port: "in"), location: edge.location)
        }
        edges.append(EdgeSpec(from: Endpoint(node: unique, port: "out"), to: endpoint, location: op.location))
        operators.append(
            OperatorSpec(
                name: unique, kind: .map(MapSpec(set: set, drop: [], rename: [])), config: [], parallelism: op.parallelism, chain: true,
                location: op.location))
    }
}
