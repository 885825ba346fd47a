// Manifest+KafkaJoins: which joins of a Kafka application read their inputs through a repartition topic.

extension Manifest {
    /// The joins of a Kafka application whose state is split by key between processes (Kafka Streams'
    /// co-partitioned joins): both inputs go through one repartition topic, partitioned by the join key's
    /// group, and the join keeps its state per partition in a changelog topic. A join qualifies when each
    /// input is fed by one Kafka source read by the group (by topic name, not global), straight or through
    /// `filter`/`map` operators (`kafkaSourceKeepingPositions`), and the join keys
    /// its whole state by the join key: not a table–table join on a foreign key (`left_pk` other than
    /// `left_key`: a row moving to another key would leave its old joined row behind in the old key's
    /// process), and no store of its own. Other joins run in the process that reads them, as before.
    public var kafkaRepartitionedJoins: [(op: OperatorSpec, join: JoinSpec)] {
        guard isKafkaApplication else { return [] }
        return operators.compactMap { op in
            guard case .join(let join) = op.kind, op.stores.isEmpty, join.store == nil else { return nil }
            if join.kind == .tableTable, let pk = join.leftPrimaryKey, pk != join.leftKey { return nil }
            for port in ["left", "right"] where kafkaSourceKeepingPositions(into: Endpoint(node: op.name, port: port)) == nil {
                return nil
            }
            return (op, join)
        }
    }

    /// The Kafka source (read by the group, by topic name) feeding `endpoint` straight or through `filter`
    /// and `map` operators only, one input each: records keep their input position, which a repartition
    /// topic needs (origins, per-partition watermarks). A table, window, join or plugin operator on the
    /// way emits records of its own (nil).
    func kafkaSourceKeepingPositions(into endpoint: Endpoint) -> SourceSpec? {
        var target = endpoint
        var seen: Set<String> = []
        while true {
            let feeding = edges.filter { $0.to == target }
            guard feeding.count == 1 else { return nil }
            let from = feeding[0].from.node
            if let source = sources.first(where: { $0.name == from }) {
                guard case .kafka(let k) = source.kind, !k.global, k.pattern == nil else { return nil }
                return source
            }
            guard seen.insert(from).inserted, let op = operators.first(where: { $0.name == from }) else { return nil }
            switch op.kind {
            case .filter, .map: target = Endpoint(node: from, port: "in")
            default: return nil
            }
        }
    }
}
