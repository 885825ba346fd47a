// Route: sends each record, unchanged, to the output port its field's value is routed to.
import RivuletPluginKit

/// `route`: `routes` is a list of mappings `{ match: <value>, to: <port> }`; a record whose `field` equals
/// a `match` goes to that port (`a` or `b`) unchanged, others are dropped; a NULL field dead-letters the
/// record. One `forward(_:selected:port:)` per port per batch.
final class Route: RivuletOperator {
    static let name = "route"
    static let outputs = ["a", "b"]
    static let isStateless = true

    let field: Int
    let routes: [(match: String, port: Int)]
    var selected: [[Int]]

    init(context: OperatorContext) throws {
        let config = try context.configuration
        let name: String = try config.required("field")
        guard let field = context.inputField(name) else { throw PluginFailure("route: no field '\(name)'") }
        self.field = field
        routes = try config.required("routes", as: [ConfigMap].self).map { route in
            let port: String = try route.required("to")
            guard let index = context.outputPort(port) else { throw ConfigError(path: route.path(of: "to"), "names no output port: '\(port)'") }
            return (try route.required("match"), index)
        }
        selected = Array(repeating: [], count: Self.outputs.count)
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        for i in selected.indices { selected[i].removeAll(keepingCapacity: true) }
        for record in batch {
            guard let value = record.string(field) else {
                try send(batch, context)
                throw RecordError(index: record.index, "route: the field is NULL")
            }
            if let route = routes.first(where: { $0.match == value }) { selected[route.port].append(record.index) }
        }
        try send(batch, context)
    }

    private func send(_ batch: Batch, _ context: OperatorContext) throws {
        for (port, indexes) in selected.enumerated() where !indexes.isEmpty {
            try context.forward(batch, selected: indexes, port: port)
        }
    }
}
