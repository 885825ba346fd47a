// KafkaTopicCreator: makes sure a Kafka application's internal topics exist, with the partitions they need.
import CRdKafka

/// Creates missing topics through the admin API (CreateTopics), and checks that existing ones have the
/// partition count asked for. librdkafka's mock cluster does not answer CreateTopics: against it, a
/// missing topic is reported with the command that creates it.
public struct KafkaTopicCreator {
    let producer: KafkaProducer

    public init(properties: KafkaProperties) throws(KafkaError) {
        producer = try KafkaProducer(properties: properties)
    }

    /// The partition count of `topic` (nil: it does not exist).
    public func partitions(of topic: String) throws(KafkaError) -> Int? {
        try producer.partitionCount(of: topic)
    }

    /// `topic` exists with `partitions` partitions, created if missing (`compacted`: cleanup.policy=compact).
    public func ensure(_ topic: String, partitions: Int, compacted: Bool) throws(KafkaError) {
        if let found = try self.partitions(of: topic) {
            guard found == partitions else {
                throw KafkaError(
                    "topic '\(topic)' has \(found) partitions, but needs \(partitions) (as many as the application's input topics): "
                        + "delete it, or recreate it with \(partitions)")
            }
            return
        }
        var reason = [CChar](repeating: 0, count: 512)
        guard let request = rd_kafka_NewTopic_new(topic, Int32(partitions), -1, &reason, reason.count) else {
            throw KafkaError("creating topic '\(topic)': \(errorText(reason))")
        }
        defer { rd_kafka_NewTopic_destroy(request) }
        if compacted { _ = rd_kafka_NewTopic_set_config(request, "cleanup.policy", "compact") }
        let queue = rd_kafka_queue_new(producer.handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(producer.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, 10_000, &reason, reason.count)
        var requests: [OpaquePointer?] = [request]
        rd_kafka_CreateTopics(producer.handle, &requests, 1, options, queue)
        var answer: String?
        if let event = rd_kafka_queue_poll(queue, 12_000) {
            defer { rd_kafka_event_destroy(event) }
            if let result = rd_kafka_event_CreateTopics_result(event) {
                var count = 0
                if let topics = rd_kafka_CreateTopics_result_topics(result, &count), count > 0, let first = topics[0] {
                    let err = rd_kafka_topic_result_error(first)
                    if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                        answer = rd_kafka_topic_result_error_string(first).map { String(cString: $0) } ?? "error \(err.rawValue)"
                    }
                }
            } else if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
                answer = String(cString: rd_kafka_event_error_string(event))
            }
        } else {
            answer = "the cluster did not answer (librdkafka's mock cluster cannot create topics)"
        }
        if try self.partitions(of: topic) == nil {
            throw KafkaError(
                "topic '\(topic)' does not exist and could not be created\(answer.map { ": \($0)" } ?? ""); create it with \(partitions) "
                    + "partitions\(compacted ? " (cleanup.policy=compact)" : "") — with the mock cluster: rivulet kafka mock --topic \(topic):\(partitions)"
            )
        }
    }
}
