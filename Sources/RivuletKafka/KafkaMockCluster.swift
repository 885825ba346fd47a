// KafkaMockCluster: librdkafka's mock Kafka cluster on loopback, for users trying Rivulet and for tests.
import CRdKafka

/// A mock cluster of `brokers` brokers speaking the Kafka protocol on loopback, served by librdkafka's
/// threads in this process for as long as the object lives. Any client — in this process or another —
/// connects to `bootstrapServers`. It cannot hide aborted transactions from `read_committed` consumers
/// (see docs/KAFKA.md), and it does not answer the admin API's CreateTopics: create topics here.
public final class KafkaMockCluster {
    private let handle: OpaquePointer
    private let cluster: OpaquePointer
    public let bootstrapServers: String

    public init(brokers: Int) throws(KafkaError) {
        let conf = rd_kafka_conf_new()!
        var reason = [CChar](repeating: 0, count: 512)
        // A handle only to host the cluster: it never connects anywhere (no bootstrap.servers: silence
        // the warning about that).
        _ = rd_kafka_conf_set(conf, "log_level", "3", &reason, reason.count)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot start a mock cluster: \(errorText(reason))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(handle, Int32(brokers)) else {
            rd_kafka_destroy(handle)
            throw KafkaError("cannot start a mock cluster of \(brokers) brokers")
        }
        self.handle = handle
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(handle)
    }

    /// Creates `topic` with `partitions` partitions (replication factor 1).
    public func createTopic(_ topic: String, partitions: Int) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster, topic, Int32(partitions), 1)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("creating topic '\(topic)' with \(partitions) partitions", err) }
    }

    /// Delays broker `broker`'s next `count` answers to requests of Kafka API `apiKey` (e.g. 14,
    /// SyncGroup) by `milliseconds` each: a slow broker, for tests.
    public func delayAnswers(apiKey: Int16, broker: Int32 = 1, count: Int = 1, milliseconds: Int32) throws(KafkaError) {
        for _ in 0..<count {
            let err = rivulet_kafka_mock_delay_answer(cluster, broker, apiKey, milliseconds)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("delaying broker \(broker)'s answers to API \(apiKey)", err) }
        }
    }
}
