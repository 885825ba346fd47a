// RebalanceListener: told, on the polling thread, when the consumer group gives or takes partitions.

/// Receives the consumer group's decisions, inside `KafkaConsumer.poll` on the polling thread.
public protocol RebalanceListener: AnyObject {
    /// `partitions` now belong to this consumer; their first records follow in later polls. Returns the
    /// offsets some of them must start at instead of the committed ones (a restored checkpoint's).
    func partitionsAssigned(_ partitions: [TopicPartition]) -> [TopicPartition: Int64]
    /// `partitions` are taken away. Called before they are given up, so offsets can still be committed —
    /// unless `lost` (the group moved on without this member: commits would be refused).
    func partitionsRevoked(_ partitions: [TopicPartition], lost: Bool)
}
