// Manifest+ExactlyOnce: what `processing_guarantee: exactly_once_v2` requires of a manifest.

extension Manifest {
    /// Under exactly_once_v2 every Kafka writer of a process shares one transactional producer on one
    /// cluster, and all state must come back from changelog topics: so the application needs
    /// `application_id`, a Kafka source and `kafka.bootstrap_servers`; no node names its own cluster; no
    /// Kafka sink has producer properties of its own (they go in the `kafka:` section); and no operator
    /// keeps state outside a changelog (joins not split by key and tables kept in a store stay in the process).
    /// A global source (a table every process reads whole) feeds only the right (table) input of joins,
    /// in a Kafka application.
    func globalSourceErrors() -> [ManifestError] {
        var errors: [ManifestError] = []
        for source in sources {
            guard case .kafka(let k) = source.kind, k.global else { continue }
            if applicationID == nil {
                errors.append(ManifestError(source.location, "source '\(source.name)': a global source needs application_id"))
            }
            for edge in edges where edge.from.node == source.name {
                let target = operators.first { $0.name == edge.to.node }
                let joinRight: Bool
                if case .join? = target?.kind, edge.to.port == "right" { joinRight = true } else { joinRight = false }
                if !joinRight {
                    errors.append(
                        ManifestError(
                            edge.location,
                            "source '\(source.name)' is global (every process reads all of it): it can feed only the right (table) input "
                                + "of a join, not '\(edge.to)'"))
                }
            }
        }
        return errors
    }

    func exactlyOnceErrors() -> [ManifestError] {
        guard let kafka, kafka.guarantee == .exactlyOnceV2 else { return [] }
        let at = kafka.guaranteeLocation ?? kafka.location
        var errors: [ManifestError] = []
        if !isKafkaApplication {
            errors.append(ManifestError(at, "processing_guarantee exactly_once_v2 needs application_id and a source of type kafka"))
        }
        if kafka.bootstrapServers == nil {
            errors.append(
                ManifestError(
                    kafka.location, "processing_guarantee exactly_once_v2 needs kafka.bootstrap_servers (one cluster for every Kafka node)"))
        }
        for source in sources {
            guard case .kafka(let k) = source.kind, k.bootstrapServers != nil else { continue }
            errors.append(
                ManifestError(
                    source.location,
                    "source '\(source.name)': under exactly_once_v2 every Kafka node uses kafka.bootstrap_servers (its offsets commit in "
                        + "the producer's transactions, on one cluster): remove its bootstrap_servers"))
        }
        for sink in sinks {
            guard case .kafka(let k) = sink.kind else { continue }
            if k.bootstrapServers != nil {
                errors.append(
                    ManifestError(
                        sink.location,
                        "sink '\(sink.name)': under exactly_once_v2 every Kafka node uses kafka.bootstrap_servers: remove its bootstrap_servers"))
            }
            if let first = k.properties.first {
                errors.append(
                    ManifestError(
                        first.location,
                        "sink '\(sink.name)': under exactly_once_v2 every Kafka sink writes through the process's one transactional "
                            + "producer: move its properties to kafka.properties"))
            }
        }
        // Local checkpoints are never restored under exactly_once_v2: a source that is not a Kafka topic
        // would be read again from its start after a restart.
        for source in sources {
            if case .kafka = source.kind { continue }
            errors.append(
                ManifestError(
                    source.location,
                    "source '\(source.name)' is not a Kafka topic: under exactly_once_v2 positions come only from the consumer group's "
                        + "committed offsets, so it would be read again from its start after a restart; use at_least_once"))
        }
        for property in kafka.properties
            + sources.flatMap({ s -> [KafkaProperty] in
                if case .kafka(let k) = s.kind { return k.properties }
                return []
            }) where property.name == "isolation.level" && property.value != "read_committed"
        {
            errors.append(
                ManifestError(
                    property.location,
                    "isolation.level must be read_committed under exactly_once_v2 (a reader of uncommitted records could see output that is "
                        + "later aborted)"))
        }
        // The brokers abort a transaction open longer than transaction.timeout.ms (10 s unless set): one
        // checkpoint interval must fit in it with room to spare.
        let transactionTimeout = kafka.properties.last { $0.name == "transaction.timeout.ms" }.flatMap { Int64($0.value) } ?? 10_000
        if let checkpoint, checkpoint.interval * 2 > transactionTimeout {
            errors.append(
                ManifestError(
                    checkpoint.location,
                    "checkpoint interval \(checkpoint.interval) ms: under exactly_once_v2 each checkpoint commits a transaction, which the brokers "
                        + "abort after transaction.timeout.ms (\(transactionTimeout) ms): make the interval at most half of it"))
        }
        if let deadLetters, case .kafka(let k) = deadLetters.kind, k.bootstrapServers != nil || !k.properties.isEmpty {
            errors.append(
                ManifestError(
                    deadLetters.location,
                    "dead_letters: under exactly_once_v2 dead letters go through the process's one transactional producer on "
                        + "kafka.bootstrap_servers: remove their bootstrap_servers and properties"))
        }
        // A plugin operator's stores fed straight by a Kafka source live in changelog topics (written in
        // the transaction); other stores only in the process.
        let changelogged = Set(kafkaStoreOperators.map(\.op.name))
        let repartitionedJoins = Set(kafkaRepartitionedJoins.map(\.op.name))
        for op in operators {
            let kind: String? =
                switch op.kind {
                case .join: repartitionedJoins.contains(op.name) ? nil : "a join that cannot be split by key (see docs/KAFKA.md, \"Joins\")"
                case .table(let table): table.store == nil && op.stores.isEmpty ? nil : "a table kept in a store"
                default: op.stores.isEmpty || changelogged.contains(op.name) ? nil : "an operator with state stores"
                }
            guard let kind else { continue }
            errors.append(
                ManifestError(
                    op.location,
                    "operator '\(op.name)' is \(kind): its state is kept in the process, not in a changelog topic, so exactly_once_v2 "
                        + "could not restore it after a failure (only windows, tables without a store, joins split by key and plugin stores keep changelogs); use at_least_once"
                ))
        }
        return errors
    }

    /// Sinks that are not Kafka topics commit at the checkpoint, just before the transaction: a crash
    /// between the two writes their part again after a restart (at least once).
    func exactlyOnceWarnings() -> [ManifestWarning] {
        guard kafka?.guarantee == .exactlyOnceV2 else { return [] }
        return sinks.compactMap { sink in
            if case .kafka = sink.kind { return nil }
            return ManifestWarning(
                sink.location,
                "sink '\(sink.name)' is not a Kafka topic: under exactly_once_v2 it commits at each checkpoint, outside the Kafka "
                    + "transaction, so after a crash it may hold some output twice (at least once)")
        }
    }
}
