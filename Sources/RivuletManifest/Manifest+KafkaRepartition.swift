// Manifest+KafkaRepartition: in a Kafka application, keyed windows read through repartition topics.
import Foundation

extension Manifest {
    /// Whether this is a Kafka application: it has an `application_id` and reads Kafka.
    public var isKafkaApplication: Bool {
        applicationID != nil && sources.contains { if case .kafka = $0.kind { true } else { false } }
    }

    /// Whether a Kafka source reads a global table (then the application rebuilds the table from its
    /// topic at every start, and never resumes from local checkpoints).
    public var hasGlobalKafkaSource: Bool {
        sources.contains { if case .kafka(let k) = $0.kind { k.global } else { false } }
    }

    /// Whether a run resumes from local checkpoints. Not a Kafka application whose state lives in
    /// changelog topics, runs under exactly_once_v2 (the transactions say where to resume) or reads a
    /// global table (rebuilt from its topic at every start): it resumes from its changelogs and its
    /// consumer groups' offsets.
    public var resumesFromLocalCheckpoints: Bool {
        !internalTopics.contains { $0.role == .changelog } && kafka?.guarantee != .exactlyOnceV2 && !hasGlobalKafkaSource
    }

    /// Kafka Streams' model for keyed state: in a Kafka application, every window operator reads its
    /// input through `<application_id>-<window>-repartition`, partitioned by the key group of its
    /// `key_by` field (the window's key groups are that topic's partitions), and keeps its state in
    /// `<application_id>-<window>-changelog`; so does a `table` (by its `key`; not one kept in a `store:`). So the consumer group splits the window's keys between
    /// processes, and a partition that moves takes its state along through the changelog.
    ///
    /// The edges into the window are redirected to a Kafka sink `<window>-repartition-out`, and a Kafka
    /// source `<window>-repartition` feeds the window (its time: the Kafka timestamp, which the sink sets
    /// to each record's event time; its out-of-orderness bound: the largest of the application's Kafka
    /// sources; no idle timeout; its client properties: theirs).
    mutating func insertKafkaRepartitions() {
        guard isKafkaApplication, let app = applicationID else { return }
        insertKafkaStoreChangelogs()
        insertForeignKeyJoinStages()
        let kafkaSources = sources.compactMap { s -> (SourceSpec, KafkaSourceSpec)? in
            if case .kafka(let k) = s.kind, !k.global { return (s, k) }
            return nil
        }
        let servers = kafka?.bootstrapServers ?? kafkaSources.first?.1.bootstrapServers
        let bound = kafkaSources.compactMap { $0.0.time?.maxOutOfOrder }.max() ?? 0
        // The readers are consumers of the same cluster as the inputs: they take the inputs' own client
        // properties (security, session timeouts, queue sizes), in the order the sources are listed.
        let readerProperties = kafkaSources.flatMap { $0.1.properties }
        let joins = kafkaRepartitionedJoins.map(\.op.name)
        let reading = RepartitionReading(
            servers: servers, bound: bound, untilEnd: kafkaSources.allSatisfy { $0.1.untilEnd }, properties: readerProperties)
        for op in operators {
            switch op.kind {
            case .window(let window):
                addRepartition(of: op, app: app, inputs: [("in", "out", window.keyBy, nil)], servers: servers, reading)
            case .table(let table) where table.store == nil && op.stores.isEmpty:
                // A table keeps its rows per key group (its partition of the topic), like a window.
                addRepartition(of: op, app: app, inputs: [("in", "out", table.key, nil)], servers: servers, reading)
            case .join(let join) where joins.contains(op.name):
                // Both inputs go through one topic, partitioned by the join key's group: partition g
                // holds both sides' records of key group g (co-partitioned, so one process sees both).
                let inputs = Self.repartitionedInputs(of: join).enumerated().map { side, input in
                    (input.port, "\(input.port)-out", Optional(input.keyField), Optional(side))
                }
                addRepartition(of: op, app: app, inputs: inputs, servers: servers, reading)
            default:
                continue
            }
            internalTopics.append(InternalTopic(name: "\(app)-\(op.name)-changelog", role: .changelog, operatorName: op.name))
        }
        // Checkpoints are the commits of such an application (changelogs written, then offsets committed,
        // or all in one transaction): by default every second, in a folder of this process's own
        // (processes may share a machine).
        if (!internalTopics.isEmpty || kafka?.guarantee == .exactlyOnceV2 || hasGlobalKafkaSource) && checkpoint == nil {
            checkpoint = CheckpointSpec(
                interval: CheckpointSpec.defaultInterval, directory: "\(stateDirectory)/\(app)-commits-\(getpid())", retain: 1,
                timeout: CheckpointSpec.defaultTimeout, location: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// A Kafka application's window, table or join split by key reads its input through a repartition
    /// topic whose watermarks and origins come from the Kafka partitions behind it. So every edge into it
    /// carries the results of an operator split by key, or records of exactly one Kafka source read by
    /// the group (global tables aside): fed by a file, stdin or a generator it would wait for watermarks
    /// no partition sends (and each process would read the whole file); two sources merged before it
    /// would number their partitions alike (each source needs its own edge: a union of edges is split
    /// correctly); and a topic takes at most `RepartitionWatermarks`' 32 writers.
    func kafkaRepartitionInputErrors() -> [ManifestError] {
        guard isKafkaApplication else { return [] }
        let joins = Set(kafkaRepartitionedJoins.map(\.op.name))
        var errors: [ManifestError] = []
        for op in operators {
            let ports: [String]
            switch op.kind {
            case .window: ports = ["in"]
            case .table(let table) where table.store == nil && op.stores.isEmpty: ports = ["in"]
            case .join(let join) where joins.contains(op.name): ports = Self.repartitionedInputs(of: join).map(\.port)
            default: continue
            }
            let prefix = "'\(op.name)' of a Kafka application is split by key between processes through a repartition topic, so "
            let feeding = edges.filter { $0.to.node == op.name && ports.contains($0.to.port) }
            if feeding.count > Self.maximumRepartitionWriters {
                errors.append(ManifestError(op.location, prefix + "it takes at most \(Self.maximumRepartitionWriters) edges, not \(feeding.count)"))
            }
            for edge in feeding where kafkaOperatorSplitByKey(through: edge) == nil {
                let upstream = sources(feeding: edge.from.node)
                let kinds = upstream.map { name in sources.first { $0.name == name }?.kind }
                let group = zip(upstream, kinds).filter { if case .kafka(let k) = $0.1 { !k.global } else { false } }.map(\.0)
                let other = zip(upstream, kinds).filter { if case .kafka = $0.1 { false } else { true } }.map(\.0)
                if let other = other.first ?? (group.isEmpty ? upstream.first : nil) {
                    errors.append(
                        ManifestError(
                            edge.location,
                            prefix + "its input must come from Kafka sources read by the group; '\(other)' is not one (read it from a topic, or "
                                + "run this operator in a manifest without application_id)"))
                } else if group.count > 1 {
                    errors.append(
                        ManifestError(
                            edge.location,
                            prefix + "the records of each Kafka source must reach it by an edge of their own; "
                                + group.sorted().map { "'\($0)'" }.joined(separator: " and ")
                                + " meet before it (connect each to '\(op.name)' directly, "
                                + "or through filter and map operators of its own)"))
                }
            }
        }
        return errors
    }

    /// The most edges into one operator split by key (writers of its repartition topic).
    static let maximumRepartitionWriters = 32

    /// What every repartition topic's reader shares: the cluster, the time bound of the input sources, whether they stop at the end, and their client properties.
    private struct RepartitionReading {
        let servers: String?
        let bound: Int64
        let untilEnd: Bool
        let properties: [KafkaProperty]
    }

    /// The repartition topic of `op` and its reader. Each input port (a window's or table's `in`, a join's
    /// `left` and `right`) gets one writer per edge into it — a union of inputs gets a writer per input,
    /// each marking its own input partitions, so the reader waits for every input's
    /// (`<op>-repartition-<suffix>`, then `<op>-repartition-<suffix>-2`, … in the order of the nodes they
    /// come from) — writing the port's key field; a join's writers also mark their rows with their side.
    private mutating func addRepartition(
        of op: OperatorSpec, app: String, inputs: [(port: String, suffix: String, keyField: String?, side: Int?)], servers: String?,
        _ reading: RepartitionReading
    ) {
        var writers: [String] = []
        var sides: [Int] = []
        for input in inputs {
            let into = Endpoint(node: op.name, port: input.port)
            // In the order of the nodes they come from, not of the manifest's edge list: reordering the
            // edges of a running application leaves each input's number (saved with its state) as it was.
            let feeding = edges.indices.filter { edges[$0].to == into }.sorted {
                (edges[$0].from.node, edges[$0].from.port) < (edges[$1].from.node, edges[$1].from.port)
            }
            for k in 0..<max(1, feeding.count) {
                let writer = "\(op.name)-repartition-\(input.suffix)\(k == 0 ? "" : "-\(k + 1)")"
                if k < feeding.count {
                    let i = feeding[k]
                    edges[i] = EdgeSpec(from: edges[i].from, to: Endpoint(node: writer, port: "in"), location: edges[i].location)
                }
                addRepartitionWriter(writer, of: op, app: app, keyField: input.keyField, side: input.side, index: writers.count, servers: servers)
                writers.append(writer)
                sides.append(input.side ?? 0)
            }
        }
        addRepartitionReader(
            of: op, app: app, writers: writers, joinSides: inputs.first?.side == nil ? nil : sides, into: inputs[0].port, reading)
    }

    /// The sink writing `op`'s repartition topic, each record to the partition of its `keyField`'s group.
    private mutating func addRepartitionWriter(
        _ name: String, of op: OperatorSpec, app: String, keyField: String?, side: Int?, index: Int, servers: String?
    ) {
        var spec = KafkaSinkSpec(
            topic: "\(app)-\(op.name)-repartition", bootstrapServers: servers, keyField: keyField, headerFields: [], properties: [],
            partitionByKeyGroup: true, joinSide: side)
        spec.inputIndex = index
        sinks.append(SinkSpec(name: name, kind: .kafka(spec), format: .jsonl, header: false, location: op.location))
    }

    /// The Kafka source `<op>-repartition` reading `op`'s repartition topic into its port `port` (its
    /// time: the event time its writers carry; its group: `<application_id>-<op>`).
    private mutating func addRepartitionReader(
        of op: OperatorSpec, app: String, writers: [String], joinSides: [Int]?, into port: String, _ reading: RepartitionReading
    ) {
        let reader = "\(op.name)-repartition", topic = "\(app)-\(op.name)-repartition"
        edges.append(EdgeSpec(from: Endpoint(node: reader, port: "out"), to: Endpoint(node: op.name, port: port), location: op.location))
        var source = SourceSpec(
            name: reader,
            kind: .kafka(
                KafkaSourceSpec(
                    topics: [topic], pattern: nil, bootstrapServers: reading.servers, start: .earliest, keyField: nil, headerFields: [],
                    untilEnd: reading.untilEnd, properties: reading.properties, repartitionOf: writers[0])),
            format: .jsonl, header: false, location: op.location)
        // No idle timeout: its writers mark an input partition idle at its source with the source's
        // watermark (`KafkaSink.inputIdle`); a process that is slow, or being replaced, is not idle.
        source.time = TimeSpec(kind: .kafka, maxOutOfOrder: reading.bound, idleTimeout: nil, location: op.location)
        sources.append(source)
        internalTopics.append(
            InternalTopic(name: topic, role: .repartition, operatorName: op.name, writers: writers, reader: reader, joinSides: joinSides))
    }
}
