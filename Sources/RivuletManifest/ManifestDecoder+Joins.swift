// ManifestDecoder+Joins: join operators: stream–table, table–table and windowed stream–stream.

extension ManifestDecoder {
    static let joinOperatorKeys = [
        "join", "type", "left_key", "right_key", "left_pk", "within", "grace", "store", "late_table_changes", "lateness", "parallelism", "chain",
    ]

    /// A join operator `m` named `name`.
    mutating func join(_ m: MappingFields, name: String) -> JoinSpec? {
        let kind = choice(m["join"], "join", as: JoinSpec.Kind.self)
        let emit = choice(m["type"], "join type", as: JoinSpec.Emit.self) ?? .inner
        let leftKey = string(m["left_key"], "left_key")
        let rightKey = string(m["right_key"], "right_key")
        let leftPK = string(m["left_pk"], "left_pk")
        let within = duration(m["within"], .within)
        let grace = duration(m["grace"], .grace) ?? 0
        let store = string(m["store"], "store")
        let lateTableChanges = choice(m["late_table_changes"], "late_table_changes", as: JoinSpec.LateTableChanges.self) ?? .apply
        let lateness = choice(m["lateness"], "lateness", as: JoinSpec.Lateness.self) ?? .input
        for key in ["left_key", "right_key"] where !m.has(key) {
            error(m.location, "join operator '\(name)' needs '\(key)'")
        }
        if let kind {
            if kind == .streamStream && within == nil && !m.has("within") {
                error(m.location, "a stream_stream join needs 'within': the largest time difference of a pair, e.g. 10m")
            }
            for key in ["within", "grace"] where kind != .streamStream {
                if let location = m.keyLocation(key) { error(location, "'\(key)' applies to stream_stream joins only") }
            }
            if kind != .tableTable, let location = m.keyLocation("left_pk") {
                error(location, "'left_pk' applies to table_table joins only")
            }
            if kind == .streamStream, let location = m.keyLocation("late_table_changes") {
                error(location, "'late_table_changes' applies to stream_table and table_table joins (their inputs that are tables)")
            }
            if kind != .streamTable, let location = m.keyLocation("store") {
                error(location, "'store' applies to stream_table joins only (the table lives in it)")
            }
            if emit == .outer && kind == .streamTable, let node = m["type"] {
                error(node.location, "a stream_table join is inner or left (a table row without stream records is not a result)")
            }
            if emit == .outer && kind == .tableTable, let pk = leftPK, pk != leftKey, let node = m["type"] {
                error(
                    node.location,
                    "an outer table_table join needs a primary-key join (left_key = left_pk): a right row no left row points at has no key of its own"
                )
            }
        }
        if let store, let node = m["store"], !storeNames.contains(store) {
            error(node.location, "join '\(name)' uses store '\(store)', which is not declared under stores")
        }
        guard let kind, let leftKey, let rightKey else { return nil }
        var spec = JoinSpec(
            kind: kind, emit: emit, leftKey: leftKey, rightKey: rightKey, leftPrimaryKey: leftPK, within: within,
            grace: grace, store: store, lateTableChanges: lateTableChanges, lateness: lateness)
        spec.leftKeyExpression = keyExpression(m["left_key"], leftKey, "left_key")
        spec.rightKeyExpression = keyExpression(m["right_key"], rightKey, "right_key")
        return spec
    }
}
