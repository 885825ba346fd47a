// Planner+KafkaStores: a Kafka application's plugin stores follow their input partitions.
import RivuletKafka
import RivuletManifest

extension Planner {
    /// Each `PerPartitionStoreOperator` hears from its Kafka source when partitions come (their stores are
    /// read back from the changelogs, on the source's task thread, before their records) and go.
    func bindPartitionStores(_ plan: ExecutionPlan) {
        for node in plan.nodes { (node.source?.source as? KafkaSource)?.commitLock = plan.commitLock }
        for (spec, sourceSpec) in manifest.kafkaStoreOperators {
            guard let op = plan.nodesByName[spec.name]?.instances.first as? PerPartitionStoreOperator,
                let source = plan.nodesByName[sourceSpec.name]?.source?.source as? KafkaSource
            else { continue }
            let assigned = source.onAssigned, revoked = source.onRevoked
            source.onAssigned = { partitions in
                try assigned?(partitions)
                try op.assigned(partitions)
            }
            source.onRevoked = { partitions in
                revoked?(partitions)
                op.revoked(partitions)
            }
            plan.partitionStores.append(op)
        }
    }
}
