// Manifest+KafkaJoins: which joins of a Kafka application read their inputs through a repartition topic.

extension Manifest {
    /// The joins of a Kafka application whose state is split by key between processes (Kafka Streams'
    /// co-partitioned joins): both inputs go through one repartition topic, partitioned by the join key's
    /// group, and the join keeps its state per partition in a changelog topic (a foreign-key table–table
    /// join: in three stages, `insertForeignKeyJoinStages`). A join qualifies when every
    /// edge into each input (one, or several: a union) carries — straight or through operators that pass
    /// records on (`recordKeepingInput`: filters, maps, explodes, functions, lookups, plugin operators),
    /// one input each — the records of a
    /// Kafka source read by the group (by topic name, not global: `kafkaSourceKeepingPositions`) or by an
    /// operator itself split by key (a window, a table without a store, such a join), it has no store of
    /// its own, and a foreign-key join judges lateness by its inputs' own watermarks (`lateness: input`,
    /// the default). Other joins run in the process that reads them, as before.
    public var kafkaRepartitionedJoins: [(op: OperatorSpec, join: JoinSpec)] {
        guard isKafkaApplication else { return [] }
        return operators.compactMap { op in
            guard case .join(let join) = op.kind, isKafkaRepartitionedJoin(op) else { return nil }
            return (op, join)
        }
    }

    private func isKafkaRepartitionedJoin(_ op: OperatorSpec) -> Bool {
        guard case .join(let join) = op.kind, op.stores.isEmpty, join.store == nil else { return false }
        // A foreign-key join's stages judge lateness alike only by their own inputs' watermarks.
        if Self.isForeignKeyJoin(join) && join.lateness == .operator { return false }
        // Each edge into each port (a union gets a writer per edge).
        return Self.repartitionedInputs(of: join).map(\.port).allSatisfy { port in
            let feeding = edges.filter { $0.to == Endpoint(node: op.name, port: port) }
            return !feeding.isEmpty
                && feeding.allSatisfy { kafkaSourceKeepingPositions(through: $0) != nil || kafkaOperatorSplitByKey(through: $0) != nil }
        }
    }

    /// The operator split by key between processes (a window, a table without a store, a join split by
    /// key) whose results (its port `out`) reach `endpoint` through operators that pass records on only
    /// (`recordKeepingInput`); nil when something else is on the way.
    public func kafkaOperatorSplitByKey(feeding endpoint: Endpoint) -> OperatorSpec? {
        let feeding = edges.filter { $0.to == endpoint }
        guard feeding.count == 1 else { return nil }
        return kafkaOperatorSplitByKey(through: feeding[0])
    }

    /// The operator split by key whose results travel along `edge` (through operators that pass records
    /// on only), or nil.
    public func kafkaOperatorSplitByKey(through edge: EdgeSpec) -> OperatorSpec? {
        var edge = edge
        var seen: Set<String> = []
        while true {
            guard seen.insert(edge.from.node).inserted, let op = operators.first(where: { $0.name == edge.from.node }) else { return nil }
            // Not a late port: those carry input records (a foreign-key join's first stage passes the
            // changes it takes on through `rows`, numbered: its results too).
            let results = edge.from.port == "out" || edge.from.port == "rows"
            if let input = recordKeepingInput(of: op, leftBy: edge.from.port) {
                edge = input
                continue
            }
            switch op.kind {
            case .window: return results ? op : nil
            case .table(let table): return results && table.store == nil && op.stores.isEmpty ? op : nil
            case .join:
                // Once the repartition topics are in (planning), a join split by key reads one of its own.
                let split = internalTopics.contains { $0.role == .repartition && $0.operatorName == op.name } || isKafkaRepartitionedJoin(op)
                return results && split ? op : nil
            default: return nil
            }
        }
    }

    /// The Kafka source (read by the group, by topic name) feeding `endpoint` straight or through operators
    /// that pass records on only (`recordKeepingInput`): records keep their input position (an explode's
    /// records share their input's, numbered by the repartition writer), which a repartition topic's
    /// per-partition watermarks and its reader's skipping of records written twice use. A table, window
    /// or join on the way emits records of its own (nil).
    public func kafkaSourceKeepingPositions(into endpoint: Endpoint) -> SourceSpec? {
        let feeding = edges.filter { $0.to == endpoint }
        guard feeding.count == 1 else { return nil }
        return kafkaSourceKeepingPositions(through: feeding[0])
    }

    /// The Kafka source whose records travel along `edge` keeping their input positions (see above), or nil.
    public func kafkaSourceKeepingPositions(through edge: EdgeSpec) -> SourceSpec? {
        var edge = edge
        var seen: Set<String> = []
        while true {
            let from = edge.from.node
            if let source = sources.first(where: { $0.name == from }) {
                guard case .kafka(let k) = source.kind, !k.global, k.pattern == nil else { return nil }
                return source
            }
            guard seen.insert(from).inserted, let op = operators.first(where: { $0.name == from }),
                let input = recordKeepingInput(of: op, leftBy: edge.from.port)
            else { return nil }
            edge = input
        }
    }

    /// The one edge into `op` when `op` passes each of its input records on as records of its own, left by
    /// its port `port` with the input's position and time (those it does not drop): `filter`, `map`,
    /// `explode`, a C `function`, a `lookup`, and a plugin operator (whose derived and forwarded records
    /// keep them; a record it makes anew has none: the repartition writer marks its input partitions from
    /// the source's watermarks all the same). Nil for another operator, for one with several edges into
    /// it, and for its `errors` port (dead letters).
    func recordKeepingInput(of op: OperatorSpec, leftBy port: String) -> EdgeSpec? {
        switch op.kind {
        case .filter, .map, .explode, .function, .lookup, .plugin: break
        default: return nil
        }
        let feeding = edges.filter { $0.to.node == op.name }
        guard port != "errors", feeding.count == 1 else { return nil }
        return feeding[0]
    }
}
