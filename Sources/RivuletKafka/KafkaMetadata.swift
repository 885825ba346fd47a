// KafkaMetadata: how many partitions a topic has, asked of the cluster without creating the topic.
import CRdKafka

/// The cluster's metadata about topics, through `rd_kafka_metadata`.
enum KafkaMetadata {
    /// The number of partitions of `topic`, or nil when the cluster has no such topic.
    ///
    /// Asks for the metadata of every topic rather than of `topic` alone: a request naming a topic the
    /// cluster does not have creates it on a broker that auto-creates topics — and librdkafka's mock
    /// cluster always does (its metadata requests are too old to carry `allow.auto.create.topics=false`).
    static func partitionCount(_ handle: OpaquePointer, topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int? {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError("asking the cluster for its topics (to find '\(topic)')", err) }
        defer { rd_kafka_metadata_destroy(metadata) }
        // `topics` holds `topic_cnt` entries, valid until the metadata is destroyed (after this loop).
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let found = topics.first(where: { String(cString: $0.topic) == topic }) else { return nil }
        if found.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { return nil }
        if found.err != RD_KAFKA_RESP_ERR_NO_ERROR && found.partition_cnt <= 0 {
            throw KafkaError("asking the cluster about topic '\(topic)'", found.err)
        }
        return Int(found.partition_cnt)
    }
}
