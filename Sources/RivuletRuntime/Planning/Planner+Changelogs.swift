// Planner+Changelogs: a Kafka application's windows, bound to their changelog topics and repartition sources.
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletKafka
import RivuletManifest

extension Planner {
    /// For each window and join split by key of a Kafka application: a `ChangelogBinding` of its
    /// changelog topic, told by its repartition source when partitions come (restore their state) and go
    /// (drop it).
    func bindChangelogs(_ plan: ExecutionPlan, _ context: PlanningContext) throws {
        guard options.openStores else { return }
        for topic in manifest.internalTopics where topic.role == .changelog {
            guard let keyGroups = context.kafkaKeyGroups[topic.operatorName],
                let window = plan.nodesByName[topic.operatorName]?.instances.first as? KeyGroupStateOperator,
                let reader = manifest.internalTopics.first(where: { $0.role == .repartition && $0.operatorName == topic.operatorName })?.reader,
                let readerSpec = manifest.sources.first(where: { $0.name == reader }), case .kafka(let k) = readerSpec.kind,
                let source = plan.nodesByName[reader]?.source?.source as? KafkaSource
            else { continue }
            let binding = ChangelogBinding(
                node: topic.operatorName, topic: topic.name, op: window, keyGroups: KeyGroups(maxParallelism: keyGroups),
                properties: try kafkaProperties(servers: k.bootstrapServers, own: k.properties, node: "source '\(reader)'", manifest),
                reader: source, log: options.report)
            source.onAssigned = { partitions in try binding.assigned(partitions.map { Int($0) }) }
            // Each writer of the repartition topic marks the watermark of the input partitions this process
            // reads of its input.
            for writerName in manifest.internalTopics.first(where: { $0.role == .repartition && $0.operatorName == topic.operatorName })?.writers
                ?? []
            {
                let upstream = manifest.sources(upstreamOf: Endpoint(node: writerName, port: "in"))
                let keepingPositions = manifest.kafkaSourceKeepingPositions(into: Endpoint(node: writerName, port: "in"))
                let feedingSource =
                    keepingPositions.flatMap { plan.nodesByName[$0.name]?.source?.source as? KafkaSource }
                    ?? upstream.lazy.filter { name in
                        // Not a global table's reader: every process reads all of it; its partitions are no input's.
                        if case .kafka(let k) = manifest.sources.first(where: { $0.name == name })?.kind { !k.global } else { false }
                    }.compactMap { plan.nodesByName[$0]?.source?.source as? KafkaSource }.first
                let input = feedingSource ?? plan.nodes.lazy.compactMap { $0.source?.source as? KafkaSource }.first { $0.watermarkMarkers == nil }
                guard let writer = plan.nodesByName[writerName]?.instances.first as? KafkaSink, let input else { continue }
                let bound = manifest.sources.first { $0.name == input.name }?.time?.maxOutOfOrder ?? 0
                writer.watermarkMarking = (Int32(keyGroups), { input.heldPartitionNumbers }, bound)
                if let feedingSource { writer.sourcePartitionWatermarks = plan.nodesByName[feedingSource.name]?.source?.partitionWatermarks }
                if let partitions = plan.nodesByName[input.name]?.source?.time.partitions, partitions.idleTimeout != nil {
                    writer.inputIdle = { partitions.isIdle($0, now: RivuletCore.Clock.nowMilliseconds()) }
                }
                // Records of a window, table or join split by key carry no input position: the writer
                // marks that operator's groups with their own watermarks.
                if manifest.kafkaSourceKeepingPositions(into: Endpoint(node: writerName, port: "in")) == nil,
                    let upstream = manifest.kafkaOperatorSplitByKey(feeding: Endpoint(node: writerName, port: "in"))
                {
                    writer.groupWatermarks = (plan.nodesByName[upstream.name]?.instances.first as? GroupWatermarkReporting)?.groupWatermarks
                }
            }
            source.onRevoked = { partitions in binding.revoked(partitions.map { Int($0) }) }
            plan.changelogs[ObjectIdentifier(window)] = binding
        }
    }
}
