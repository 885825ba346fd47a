// StartPosition: where a consumer begins a partition for which its group has no committed offset.

/// Where a partition begins when the consumer group has committed no offset for it. A committed offset
/// always wins (so a restart or a rebalance goes on where the group left off), as in Kafka Streams.
public enum StartPosition: Sendable, Hashable {
    /// The oldest record still in the partition.
    case earliest
    /// The next record written after the assignment.
    case latest
    /// The first record with a timestamp at or after this time (epoch ms); the end if there is none.
    case timestamp(Int64)
}
