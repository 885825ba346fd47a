// KafkaProducer+Metadata: a producer asks the cluster how many partitions a topic has (without creating it).

extension KafkaProducer {
    /// The number of partitions of `topic`, or nil when the cluster has no such topic (it is not created).
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> Int? {
        try KafkaMetadata.partitionCount(handle, topic: topic, timeoutMilliseconds: timeoutMilliseconds)
    }
}
