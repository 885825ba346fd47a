// Manifest+KafkaForeignKeyJoins: a Kafka application's foreign-key table–table joins, split into three stages.

extension Manifest {
    /// Whether `join` is a table–table join on a foreign key (`left_pk` other than `left_key`).
    static func isForeignKeyJoin(_ join: JoinSpec) -> Bool {
        join.kind == .tableTable && join.leftPrimaryKey.map { $0 != join.leftKey } == true
    }

    /// Kafka Streams' foreign-key join (KIP-213) in a Kafka application: each foreign-key table–table
    /// join `j` split by key (`kafkaRepartitionedJoins`) becomes three joins, each split by key through
    /// its own repartition and changelog topics —
    /// `<j>-fk-left` (keyed by the left key, `left_pk`) reads the left table and writes *subscriptions*:
    /// which right key each row points at, and no longer points at; `<j>-fk-right` (keyed by the right key) reads them
    /// and the right table, and *answers* each left key with its right row, at the subscription and at
    /// every change of that row; `j` (keyed by the left key) reads the left changes the first stage took
    /// (its port `rows`, numbered per key) and the answers, and emits the changelog of the join. A row whose
    /// foreign key changes is answered by the process holding its new right key and retracted by the one
    /// holding its left key, so no joined row is left behind in another process. The edges into `j.left`
    /// go to `<j>-fk-left.left`, those out of `j.late_left` and `j.errors` leave from `<j>-fk-left`; the
    /// edges into `j.right` go to `<j>-fk-right.right`, those out of `j.late_right` leave from it.
    mutating func insertForeignKeyJoinStages() {
        for (op, join) in kafkaRepartitionedJoins where join.foreignKeyStage == nil && Self.isForeignKeyJoin(join) {
            let leftStage = ForeignKeyStage.node(.leftTable, of: op.name)
            let rightStage = ForeignKeyStage.node(.rightTable, of: op.name)
            for (stage, name) in [(ForeignKeyStage.leftTable, leftStage), (.rightTable, rightStage)] {
                var spec = join
                spec.foreignKeyStage = stage
                operators.append(OperatorSpec(name: name, kind: .join(spec), location: op.location))
            }
            var results = join
            results.foreignKeyStage = .results
            if let i = operators.firstIndex(where: { $0.name == op.name }) { operators[i].kind = .join(results) }
            let left = Endpoint(node: op.name, port: "left"), right = Endpoint(node: op.name, port: "right")
            // The left table's changes, late ones and those without a key are the first stage's now.
            let moved = [
                (left, Endpoint(node: leftStage, port: "left"), true), (right, Endpoint(node: rightStage, port: "right"), true),
                (Endpoint(node: op.name, port: "late_left"), Endpoint(node: leftStage, port: "late_left"), false),
                (Endpoint(node: op.name, port: "late_right"), Endpoint(node: rightStage, port: "late_right"), false),
                (Endpoint(node: op.name, port: "errors"), Endpoint(node: leftStage, port: "errors"), false),
            ]
            for i in edges.indices {
                for (from, to, isInput) in moved {
                    if isInput && edges[i].to == from { edges[i].to = to }
                    if !isInput && edges[i].from == from { edges[i].from = to }
                }
            }
            for (from, to) in [
                (Endpoint(node: leftStage, port: "rows"), left), (Endpoint(node: leftStage, port: "out"), Endpoint(node: rightStage, port: "left")),
                (Endpoint(node: rightStage, port: "out"), right),
            ] {
                edges.append(EdgeSpec(from: from, to: to, location: op.location))
            }
        }
    }

    /// A foreign-key join split into stages needs the names of its added nodes free.
    func kafkaForeignKeyJoinErrors() -> [ManifestError] {
        let names = Set(nodeNames)
        return kafkaRepartitionedJoins.filter { Self.isForeignKeyJoin($0.join) }.flatMap { op, _ in
            [ForeignKeyStage.leftTable, .rightTable].map { ForeignKeyStage.node($0, of: op.name) }.filter(names.contains).map { taken in
                ManifestError(
                    op.location,
                    "join '\(op.name)' of a Kafka application runs as three joins split by key, one named '\(taken)', "
                        + "which another node is called: rename one of them")
            }
        }
    }

    /// The input ports of a join split by key, each with the field its repartition topic is keyed by.
    static func repartitionedInputs(of join: JoinSpec) -> [(port: String, keyField: String)] {
        let primaryKey = join.leftPrimaryKey ?? join.leftKey
        switch join.foreignKeyStage {
        case .leftTable: return [("left", primaryKey)]
        case .rightTable: return [("left", ForeignKeyStage.foreignKeyField), ("right", join.rightKey)]
        case .results: return [("left", primaryKey), ("right", ForeignKeyStage.primaryKeyField)]
        case nil: return [("left", join.leftKey), ("right", join.rightKey)]
        }
    }
}
