// Planner: turns a validated manifest into an ExecutionPlan: plugins loaded, instances created, tasks and rings.
import Foundation
import RivuletCore
import RivuletExecution
import RivuletKafka
import RivuletManifest
import RivuletPlugins

/// Builds an `ExecutionPlan` in four steps: load every plugin; visit nodes in topological order, creating
/// instances through the factory of each node's kind (which fixes every port's schema); assign instances to tasks, fusing a node into its
/// upstream's task when both run one instance and it has exactly one input (operator chaining); wire each
/// edge as a function call inside a task or a ring (key-partitioned for parallel consumers) between tasks.
public struct Planner {
    public let manifest: Manifest
    public private(set) var options: RunOptions

    public init(manifest: Manifest, options: RunOptions = RunOptions()) {
        self.manifest = manifest
        self.options = options
    }

    public func plan() throws -> ExecutionPlan {
        try checkOptions()
        var planner = self
        planner.options.restore = try planner.restorePoint()
        return try planner.build()
    }

    /// The checkpoint a run of a checkpointed manifest resumes from (none for a plan only checked). The
    /// newest one is resumed only when it was taken by this manifest, unchanged: another manifest's (or
    /// this one's before an edit) is restored only when asked for by `--from-checkpoint`.
    private func restorePoint() throws -> RestorePoint? {
        if let chosen = options.restore { return chosen }
        guard let spec = manifest.checkpoint, options.openStores else { return nil }
        // A Kafka application's windows take their state from their changelog topics, and its sources
        // their offsets from the consumer group; under exactly_once_v2 a local checkpoint completes before
        // its transaction commits (its positions may be ahead of what Kafka committed); a global table is
        // rebuilt from its topic at every start: nothing comes from local checkpoints.
        if !manifest.resumesFromLocalCheckpoints { return nil }
        let storage = CheckpointStorage(directory: spec.directory, retain: spec.retain)
        try storage.prepare()
        switch options.resume {
        case .fresh:
            return nil
        case .checkpoint(let path):
            let point = try CheckpointStorage.load(path)
            if let change = manifestChange(point) {
                options.report(
                    "checkpoint \(point.metadata.id) was taken by \(change); its state is restored into \(manifest.file), operators matched by name")
            }
            return point
        case .latest:
            guard let point = try storage.latest(report: options.report) else { return nil }
            if let change = manifestChange(point) {
                throw CheckpointFailure(
                    "checkpoint \(point.metadata.id) in \(spec.directory) was taken by \(change): a run resumes on its own only "
                        + "checkpoints of its own manifest, unchanged. To restore it into this manifest (operators are matched by name), "
                        + "run with --from-checkpoint \(point.directory); to start afresh, remove \(spec.directory)")
            }
            return point
        }
    }

    /// How the manifest of `point` differs from this one ("a run of other.yaml", "m.yaml before it was
    /// changed"), or nil when it is the same file with the same text.
    private func manifestChange(_ point: RestorePoint) -> String? {
        let taken = point.metadata.manifest
        if taken != manifest.file { return "a run of \(taken)" }
        if point.metadata.manifestHash != CheckpointCoordinator.manifestHash(manifest.file) { return "\(taken) before it was changed" }
        return nil
    }

    private func build() throws -> ExecutionPlan {
        let plan = ExecutionPlan(manifest: manifest, options: options)
        plan.deadLetters = try makeDeadLetterSink()
        try loadPlugins(into: plan)
        var context = PlanningContext(manifest: manifest, options: options, plan: plan)
        let layout = try KafkaApplicationTopics(manifest: manifest, options: options).prepare()
        context.kafkaKeyGroups = layout.keyGroups
        context.kafkaInputPartitions = layout.inputPartitions
        context.kafkaInputNumbers = layout.inputNumbers
        // Every node is planned even after one fails, so that all errors come at once; a node downstream of
        // a failed one is skipped (its input schemas are unknown), its own errors reported once that is fixed.
        var failures: [PlanError] = []
        var failed: Set<String> = []
        // A repartition topic's reader depends on its writers as an edge's end on its start.
        let topicWriters = Dictionary(
            manifest.internalTopics.compactMap { t in t.reader.map { ($0, t.writers) } }, uniquingKeysWith: { $0 + $1 })
        for name in manifest.topologicalOrder() {
            if manifest.edges.contains(where: { $0.to.node == name && failed.contains($0.from.node) })
                || (topicWriters[name] ?? []).contains(where: failed.contains)
            {
                failed.insert(name)
                continue
            }
            let node: PlannedNode
            do {
                switch manifest.role(of: name) {
                case .source:
                    node = try SourceFactory().plan(manifest.sources.first { $0.name == name }!, in: context)
                case .operator:
                    let spec = manifest.operators.first { $0.name == name }!
                    node = try spec.kind.factory.plan(spec, inputs: inputSchemas(of: name, plan), in: context)
                    // A window or join of a Kafka application runs in its repartition source's task (that
                    // source's rebalances restore and drop its state on that thread).
                    node.chains = spec.chain || context.kafkaKeyGroups[name] != nil
                case .sink:
                    let spec = manifest.sinks.first { $0.name == name }!
                    node = try SinkFactory().plan(spec, inputs: inputSchemas(of: name, plan), in: context)
                case nil: continue
                }
            } catch let error as PlanError {
                failures.append(error)
                failed.insert(name)
                continue
            } catch let errors as ManifestErrors {
                failures += errors.errors
                failed.insert(name)
                continue
            }
            plan.nodes.append(node)
            plan.nodesByName[name] = node
        }
        if !failures.isEmpty {
            plan.close()
            throw failures.count == 1 ? failures[0] as Error : ManifestErrors(failures)
        }
        try checkOutputPorts(plan)
        assignTasks(plan)
        try attachStores(plan)
        try wire(plan)
        collectTaskSteps(plan)
        try bindChangelogs(plan, context)
        bindRetention(plan)
        bindPartitionStores(plan)
        if let spec = manifest.checkpoint, options.openStores {
            let coordinator = CheckpointCoordinator(
                plan: plan, storage: CheckpointStorage(directory: spec.directory, retain: spec.retain), interval: spec.interval,
                timeout: spec.timeout, wakeup: plan.wakeup, report: options.report)
            plan.coordinator = coordinator
            for task in plan.tasks { task.barrierHandler = coordinator }
        }
        try bindTransaction(plan)
        if let point = options.restore {
            plan.restored = try CheckpointRestorer(plan: plan, point: point, allowNonRestoredState: options.allowNonRestoredState).restore()
            // Checkpoints newer than the one restored belong to the line of the run it abandons.
            if let spec = manifest.checkpoint, options.openStores {
                let moved = CheckpointStorage(directory: spec.directory, retain: spec.retain).setAside(newerThan: point.metadata.id)
                if !moved.isEmpty {
                    options.report(
                        "checkpoints \(moved.map(String.init).joined(separator: ", ")) are newer than checkpoint \(point.metadata.id), which this "
                            + "run resumes: set aside as chk-N.abandoned in \(spec.directory), so that no restart picks them")
                }
            }
        }
        return plan
    }

    /// The run options are numbers from users too (`--batch-size`, `bench --events`…): the same limits as
    /// the command line, for callers of this API that did not go through it.
    private func checkOptions() throws {
        var problems: [String] = []
        if !Limit.batchSize.allows(Int64(options.batchSize)) {
            problems.append(Limit.batchSize.message(got: "\(options.batchSize)", name: "batch size"))
        }
        if !Limit.ringCapacity.allows(Int64(options.ringCapacity)) {
            problems.append(Limit.ringCapacity.message(got: "\(options.ringCapacity)", name: "ring capacity"))
        }
        if let generated = options.generatorOverride {
            if !Limit.events.allows(Int64(generated.events)) { problems.append(Limit.events.message(got: "\(generated.events)", name: "events")) }
            if !Limit.keys.allows(Int64(generated.keys)) { problems.append(Limit.keys.message(got: "\(generated.keys)", name: "keys")) }
            if let rate = generated.rate, !Limit.rate.allows(rate) { problems.append(Limit.rate.message(got: "\(rate)")) }
        }
        if let first = problems.first { throw PlanError(nil, first) }
    }

    private func makeDeadLetterSink() throws -> DeadLetterSink {
        guard let spec = manifest.deadLetters else {
            return JSONDeadLetterWriter(writer: ByteWriter(descriptor: 2, name: "stderr"), shownLimit: JSONDeadLetterWriter.shownOnStderr)
        }
        switch spec.kind {
        case .file(let path):
            // A run resumed from a checkpoint keeps the dead letters of the runs before it (at least once:
            // records dead-lettered after the checkpoint are dead-lettered again when replayed).
            let append = options.restore != nil
            return JSONDeadLetterWriter(destination: path, open: { try ByteWriter(path: path, append: append) })
        case .stdout:
            return JSONDeadLetterWriter(writer: ByteWriter(descriptor: 1, name: "stdout"))
        case .null:
            return JSONDeadLetterWriter(destination: "/dev/null", open: { try ByteWriter(path: "/dev/null") })
        case .kafka(let k):
            return KafkaDeadLetterSink(
                topic: k.topic, properties: try kafkaProperties(servers: k.bootstrapServers, own: k.properties, node: "dead_letters", manifest))
        }
    }

    private func loadPlugins(into plan: ExecutionPlan) throws {
        let loader = PluginLoader(
            searchPaths: options.pluginSearchPaths ?? PluginLoader.defaultSearchPaths(manifestDirectory: manifest.directory))
        for spec in manifest.plugins {
            do {
                let path = try spec.path ?? loader.resolve(library: spec.library ?? spec.name)
                let plugin = try loader.load(path: path, config: PluginConfig.entries(spec.config, json: spec.configJSON))
                plan.plugins[spec.name] = plugin
            } catch {
                throw PlanError(spec.location, "\(error)")
            }
        }
    }

    /// The schemas arriving on each input port of `name`, from its upstream nodes (already planned).
    func inputSchemas(of name: String, _ plan: ExecutionPlan) throws -> [String: Schema] {
        var schemas: [String: Schema] = [:]
        var firstEdge: [String: EdgeSpec] = [:]
        for edge in manifest.edges where edge.to.node == name {
            guard let upstream = plan.nodesByName[edge.from.node], let schema = upstream.outputSchemas[edge.from.port] else {
                throw PlanError(
                    edge.location,
                    "edge \(edge.from.node).\(edge.from.port) -> \(edge.to.node).\(edge.to.port): '\(edge.from.node)' has no output port '\(edge.from.port)' (ports: \(plan.nodesByName[edge.from.node]?.outputPorts.joined(separator: ", ") ?? "none"))"
                        + DidYouMean.hint(edge.from.port, among: plan.nodesByName[edge.from.node]?.outputPorts ?? [])
                )
            }
            if let existing = schemas[edge.to.port], existing != schema {
                throw PlanError(
                    edge.location,
                    "input '\(name).\(edge.to.port)' receives records of two shapes: [\(existing)] from line \(firstEdge[edge.to.port]!.location.line) and [\(schema)] here"
                )
            }
            schemas[edge.to.port] = schema
            firstEdge[edge.to.port] = edge
        }
        return schemas
    }

    /// Every edge must leave from a port its node really has (plugin ports are known only now).
    private func checkOutputPorts(_ plan: ExecutionPlan) throws {
        for edge in manifest.edges {
            guard let from = plan.nodesByName[edge.from.node], from.outputSchemas[edge.from.port] != nil else {
                let ports = plan.nodesByName[edge.from.node]?.outputPorts.joined(separator: ", ") ?? "none"
                throw PlanError(
                    edge.location,
                    "'\(edge.from.node)' has no output port '\(edge.from.port)' (ports: \(ports))"
                        + DidYouMean.hint(edge.from.port, among: plan.nodesByName[edge.from.node]?.outputPorts ?? []))
            }
        }
    }
}
