// Manifest+ExactlyOnce: what `processing_guarantee: exactly_once_v2` requires of a manifest.

extension Manifest {
    /// Under exactly_once_v2 every Kafka writer of a process shares one transactional producer on one
    /// cluster, and all state must come back from changelog topics: so the application needs
    /// `application_id`, a Kafka source and `kafka.bootstrap_servers`; no node names its own cluster; no
    /// Kafka sink has producer properties of its own (they go in the `kafka:` section); and no operator
    /// keeps state outside a changelog (joins, tables and plugin stores stay in the process today).
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
        for op in operators {
            let kind: String? =
                switch op.kind {
                case .join: "a join"
                case .table: "a table"
                default: op.stores.isEmpty ? nil : "an operator with state stores"
                }
            guard let kind else { continue }
            errors.append(
                ManifestError(
                    op.location,
                    "operator '\(op.name)' is \(kind): its state is kept in the process, not in a changelog topic, so exactly_once_v2 "
                        + "could not restore it after a failure (only windows keep changelogs today); use at_least_once"))
        }
        return errors
    }
}
