// Planner+Transactions: exactly_once_v2: the process's Kafka transaction, handed to every Kafka node.
import RivuletExecution
import RivuletKafka
import RivuletManifest
import RivuletPlugins

extension Planner {
    /// Under exactly_once_v2: one `KafkaTransaction` for the process (its producer configured by the
    /// `kafka:` section), used by every Kafka sink and changelog, committing every Kafka source's offsets;
    /// each Kafka source takes a checkpoint from its task before it gives partitions up.
    func bindTransaction(_ plan: ExecutionPlan) throws {
        guard let kafka = manifest.kafka, kafka.guarantee == .exactlyOnceV2, let app = manifest.applicationID else { return }
        // Local checkpoints are never restored under exactly_once_v2: state only they keep would be lost.
        for node in plan.nodes {
            guard let op = node.instances.first as? PluginOperator, op.keepsLocalState else { continue }
            let location = manifest.operators.first { $0.name == node.name }?.location ?? kafka.location
            throw PlanError(
                location,
                "operator '\(node.name)' keeps state of its own or timers, which only local checkpoints restore: exactly_once_v2 "
                    + "restores state from changelog topics only (windows today); use at_least_once")
        }
        guard options.openStores else { return }
        let properties = try kafkaProperties(servers: kafka.bootstrapServers, own: [], node: "kafka", manifest)
        let transaction = KafkaTransaction(applicationID: app, properties: properties)
        for node in plan.nodes {
            for case let sink as KafkaSink in node.instances { sink.transaction = transaction }
        }
        for task in plan.tasks {
            guard case .source(let head) = task.head, let source = head.source as? KafkaSource else { continue }
            source.transaction = transaction
            source.commitBeforeRevoking = { [unowned task] in try task.checkpointWithinFill() }
        }
        for binding in plan.changelogs.values { binding.transaction = transaction }
        (plan.deadLetters as? KafkaDeadLetterSink)?.transaction = transaction
        for op in plan.partitionStores { for changelog in op.changelogs { changelog.transaction = transaction } }
        plan.transaction = transaction
    }
}
