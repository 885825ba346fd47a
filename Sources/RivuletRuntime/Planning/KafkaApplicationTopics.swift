// KafkaApplicationTopics: a Kafka application's internal topics, made to exist before it runs.
import RivuletKafka
import RivuletManifest

/// The repartition and changelog topics of a Kafka application's windows and joins
/// (`Manifest.internalTopics`) get as many partitions as the largest of the application's input topics
/// (Kafka Streams' rule), and each such operator as many key groups. For a plan only checked (`validate`, `describe`) nothing connects:
/// the key groups are the manifest's max_parallelism.
struct KafkaApplicationTopics {
    let manifest: Manifest
    let options: RunOptions

    /// What planning needs to know of the cluster.
    struct Layout {
        /// Operator name → its key groups (the partitions of its repartition topic).
        var keyGroups: [String: Int] = [:]
        /// Input source name (a repartition topic's reader too) → the partitions of its topics (the largest count).
        var inputPartitions: [String: Int] = [:]
        /// Input source name → the numbers it gives its partitions (a topic's index << 20 | its partition),
        /// which a repartition topic's reader waits to hear marked.
        var inputNumbers: [String: [Int32]] = [:]
    }

    func prepare() throws -> Layout {
        let topics = manifest.internalTopics
        guard !topics.isEmpty else { return Layout() }
        let windows = Set(topics.map(\.operatorName))
        for op in manifest.operators where windows.contains(op.name) && op.parallelism != 1 {
            throw PlanError(
                op.location,
                "operator '\(op.name)' of a Kafka application scales out by processes (the consumer group splits its input's "
                    + "partitions between them): remove parallelism")
        }
        guard options.openStores else {
            return Layout(
                keyGroups: Dictionary(uniqueKeysWithValues: windows.map { ($0, manifest.maxParallelism) }),
                inputPartitions: Dictionary(uniqueKeysWithValues: manifest.sources.map { ($0.name, manifest.maxParallelism) }))
        }
        let inputs = manifest.sources.compactMap { s -> (SourceSpec, KafkaSourceSpec)? in
            guard case .kafka(let k) = s.kind, k.repartitionOf == nil, !k.global else { return nil }
            return (s, k)
        }
        guard let (first, firstKafka) = inputs.first else { return Layout() }
        let properties = try kafkaProperties(servers: firstKafka.bootstrapServers, own: [], node: "source '\(first.name)'", manifest)
        do {
            let creator = try KafkaTopicCreator(properties: properties)
            var partitions = 0
            var layout = Layout()
            for (source, k) in inputs {
                guard k.pattern == nil else {
                    throw PlanError(
                        source.location,
                        "source '\(source.name)': a Kafka application with windows or joins split by key reads topics by name, not by pattern")
                }
                if k.topics.count > RepartitionWatermarks.maximumTopics {
                    throw PlanError(
                        source.location,
                        "source '\(source.name)': a Kafka application with windows or joins split by key reads at most "
                            + "\(RepartitionWatermarks.maximumTopics) topics per source, not \(k.topics.count)")
                }
                for (index, topic) in k.topics.enumerated() {
                    guard let count = try creator.partitions(of: topic) else {
                        throw PlanError(source.location, "source '\(source.name)': topic '\(topic)' does not exist")
                    }
                    partitions = max(partitions, count)
                    layout.inputPartitions[source.name] = max(layout.inputPartitions[source.name] ?? 0, count)
                    layout.inputNumbers[source.name, default: []] += (0..<Int32(count)).map { Int32(index) << 20 | $0 }
                }
            }
            for topic in topics {
                try creator.ensure(topic.name, partitions: partitions, compacted: topic.role == .changelog)
            }
            layout.keyGroups = Dictionary(uniqueKeysWithValues: windows.map { ($0, partitions) })
            // A repartition topic's reader feeding a join (through its operator) counts as an input of
            // that many partitions: the operator's key groups.
            for topic in topics where topic.role == .repartition {
                if let reader = topic.reader { layout.inputPartitions[reader] = partitions }
            }
            return layout
        } catch let error as KafkaError {
            throw PlanError(manifest.kafka?.location ?? first.location, "\(error)")
        }
    }
}
