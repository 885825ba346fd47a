// Manifest+KafkaStores: in a Kafka application, a plugin operator's stores are kept per input partition in changelog topics.

extension Manifest {
    /// The plugin operators with stores of a Kafka application, each with the Kafka source feeding it.
    public var kafkaStoreOperators: [(op: OperatorSpec, source: SourceSpec)] {
        guard isKafkaApplication else { return [] }
        return operators.compactMap { op in
            guard case .plugin = op.kind, !op.stores.isEmpty else { return nil }
            let from = edges.filter { $0.to.node == op.name }.map(\.from.node)
            guard let name = from.first, Set(from).count == 1, let source = sources.first(where: { $0.name == name }),
                case .kafka(let k) = source.kind, !k.global, k.pattern == nil, k.topics.count == 1
            else { return nil }
            return (op, source)
        }
    }

    /// Kafka Streams' state per input partition: a plugin operator with stores reads one Kafka source
    /// straight (its records keep their input partition), and each of its stores is a memory store kept
    /// in `<application_id>-<store>-changelog`, whose partition p holds the store of input partition p.
    func kafkaStoreErrors() -> [ManifestError] {
        guard isKafkaApplication else { return [] }
        var errors: [ManifestError] = []
        let fed = Set(kafkaStoreOperators.map(\.op.name))
        for op in operators where !op.stores.isEmpty {
            guard case .plugin = op.kind else { continue }
            if !fed.contains(op.name) {
                errors.append(
                    ManifestError(
                        op.location,
                        "operator '\(op.name)' keeps stores in a Kafka application: its state is kept per input partition, so its input "
                            + "must come straight from one Kafka source reading one topic by name (not global, not a pattern), not through "
                            + "other operators"))
                continue
            }
            if op.parallelism != 1 {
                errors.append(
                    ManifestError(
                        op.location,
                        "operator '\(op.name)' of a Kafka application scales out by processes (the group splits its input's partitions): "
                            + "remove parallelism"))
            }
            for name in op.stores {
                guard let store = stores.first(where: { $0.name == name }) else { continue }
                if let window = operators.first(where: { w in if case .window = w.kind { w.name == name } else { false } }) {
                    errors.append(
                        ManifestError(
                            store.location,
                            "store '\(name)' would share the changelog topic \(applicationID ?? "")-\(name)-changelog with window "
                                + "'\(window.name)': rename one of them"))
                }
                if case .rocksdb = store.backend {
                    errors.append(
                        ManifestError(
                            store.location,
                            "store '\(name)' of a Kafka application is a memory store per input partition, rebuilt from its changelog topic "
                                + "\(applicationID ?? "")-\(name)-changelog: use type: memory"))
                }
                if store.changelog {
                    errors.append(
                        ManifestError(
                            store.location,
                            "store '\(name)' of a Kafka application keeps its changelog in the topic \(applicationID ?? "")-\(name)-changelog: "
                                + "remove changelog: true"))
                }
            }
        }
        return errors
    }

    /// The changelog topics of the plugin stores (after validation, with the repartition topics).
    mutating func insertKafkaStoreChangelogs() {
        guard let app = applicationID else { return }
        for (op, _) in kafkaStoreOperators {
            for store in op.stores {
                internalTopics.append(InternalTopic(name: "\(app)-\(store)-changelog", role: .changelog, operatorName: op.name, store: store))
            }
        }
    }
}
