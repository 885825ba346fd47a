// ProcessingGuarantee: what a Kafka application promises about its outputs after a failure.

/// `kafka: { processing_guarantee: … }`, as Kafka Streams' `processing.guarantee`.
public enum ProcessingGuarantee: String, Sendable, Hashable, CaseIterable {
    /// Offsets are committed after the outputs are flushed: after a crash, records since the last commit
    /// are processed again and Kafka sinks may write them twice.
    case atLeastOnce = "at_least_once"
    /// Outputs, changelog writes and offsets are committed in one Kafka transaction per checkpoint.
    case exactlyOnceV2 = "exactly_once_v2"
}
