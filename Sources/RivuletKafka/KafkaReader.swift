// KafkaReader: reads a topic without a consumer group: every partition from given offsets to its end at the start.
import CRdKafka
import Dispatch

/// A consumer outside any group: it takes partitions explicitly (librdkafka's queue consumer:
/// `rd_kafka_consume_start_queue`), commits nothing and joins nothing, so reading never disturbs a group's
/// offsets or assignments. `readToEnd` reads a topic up to the end offsets it finds when it starts — a
/// bounded read, for tools and tests. Used by one thread.
public final class KafkaReader {
    private let handle: OpaquePointer
    private let queue: OpaquePointer

    /// `properties` are passed through (`bootstrap.servers`, `isolation.level`, security…) and may
    /// override the defaults set here: partition ends reported, no commits, and a start offset that is
    /// no longer in the partition (deleted by retention meanwhile) moves to its first record. (`allow.auto.create.topics` stays a consumer's default, false;
    /// setting it explicitly makes librdkafka warn against the mock cluster, whose metadata requests
    /// cannot carry it.)
    public init(properties: KafkaProperties) throws(KafkaError) {
        var all = KafkaProperties([
            ("enable.partition.eof", "true"), ("enable.auto.commit", "false"), ("enable.auto.offset.store", "false"),
            ("auto.offset.reset", "earliest"),
        ])
        for (name, value) in properties.entries { all[name] = value }
        let conf = try all.makeConf()
        var reason = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot create a Kafka reader: \(errorText(reason))")
        }
        self.handle = handle
        queue = rd_kafka_queue_new(handle)
    }

    deinit {
        rd_kafka_queue_destroy(queue)
        rd_kafka_destroy(handle)
    }

    /// The number of partitions of `topic`, or nil when the cluster has no such topic (it is not created).
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> Int? {
        try KafkaMetadata.partitionCount(handle, topic: topic, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The low and high watermark offsets of `partition` (under `isolation.level=read_committed`, the high
    /// one is the last stable offset).
    public func watermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0, high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("asking for the end offsets of \(partition)", err) }
        return (low, high)
    }

    /// Reads every partition of `topic` from `start[partition]` (absent: the partition's first record)
    /// up to its high watermark as found before reading (records written later are left out), or until
    /// `max` records were read. Returns them in partition order, then offset order.
    ///
    /// Throws when the topic does not exist (it is not created), and when `timeoutMilliseconds` (the
    /// whole read, metadata included) passes first: the error names every partition not read to its end.
    /// Passing errors of the cluster (a broker down for a while) are retried by librdkafka; the last one
    /// is in the timeout's message.
    /// `partitions`: only these (nil: every partition).
    public func readToEnd(
        topic: String, partitions: Set<Int32>? = nil, start: [Int32: Int64] = [:], max: Int = .max, timeoutMilliseconds: Int
    ) throws(KafkaError) -> [KafkaRecord] {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMilliseconds) * 1_000_000
        func remaining() -> Int32 {
            let now = DispatchTime.now().uptimeNanoseconds
            return now >= deadline ? 0 : Int32(clamping: (deadline - now) / 1_000_000)
        }
        /// `error`, said to be a timeout when the time is up (librdkafka reports a request left unanswered
        /// as the last connection failure).
        func late(_ error: KafkaError) -> KafkaError {
            remaining() > 0 ? error : KafkaError("reading topic '\(topic)': timed out after \(seconds(timeoutMilliseconds)): \(error.message)")
        }
        let found: Int?
        do { found = try partitionCount(of: topic, timeoutMilliseconds: Swift.max(1, remaining())) } catch { throw late(error) }
        guard let count = found else { throw KafkaError("topic '\(topic)' does not exist") }
        // Partition → (next offset to read, end offset), for the partitions with records left to read.
        var pending: [Int32: (next: Int64, end: Int64)] = [:]
        for partition in Int32(0)..<Int32(count) where partitions?.contains(partition) ?? true {
            let marks: (low: Int64, high: Int64)
            do { marks = try watermarks(TopicPartition(topic, partition), timeoutMilliseconds: Swift.max(1, remaining())) } catch {
                throw late(error)
            }
            let first = Swift.max(start[partition] ?? marks.low, marks.low)
            if first < marks.high { pending[partition] = (first, marks.high) }
        }
        var records: [KafkaRecord] = []
        guard !pending.isEmpty, max > 0 else { return records }
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError("reading topic '\(topic)'", rd_kafka_last_error())
        }
        var started: [Int32] = []
        defer {
            for partition in started { _ = rd_kafka_consume_stop(topicHandle, partition) }
            rd_kafka_topic_destroy(topicHandle)
        }
        for (partition, position) in pending.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_consume_start_queue(topicHandle, partition, position.next, queue) != 0 {
                throw KafkaError("starting to read \(TopicPartition(topic, partition)) at offset \(position.next)", rd_kafka_last_error())
            }
            started.append(partition)
        }
        var lastError: String?
        while !pending.isEmpty && records.count < max {
            let wait = remaining()
            if wait == 0 {
                let left = pending.sorted { $0.key < $1.key }.map { "\($0.key) (at offset \($0.value.next) of \($0.value.end))" }
                throw KafkaError(
                    "reading topic '\(topic)': timed out after \(seconds(timeoutMilliseconds)) before partition(s) "
                        + "\(left.joined(separator: ", ")) reached their end" + (lastError.map { "; the last error: \($0)" } ?? ""))
            }
            guard let message = rd_kafka_consume_queue(queue, wait) else { continue }
            defer { rd_kafka_message_destroy(message) }
            let partition = message.pointee.partition
            let err = message.pointee.err
            if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                lastError = (partition >= 0 ? "\(TopicPartition(topic, partition)): " : "") + String(cString: rd_kafka_message_errstr(message))
                continue
            }
            guard let position = pending[partition] else { continue }
            if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                // The end of what the partition holds now, which is at or past the end captured: done
                // (also when the records before it were transaction markers, which are not delivered).
                pending[partition] = nil
                continue
            }
            let offset = message.pointee.offset
            if offset < position.end { records.append(KafkaRecord(message)) }
            pending[partition] = offset + 1 >= position.end ? nil : (offset + 1, position.end)
        }
        return records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
    }

    /// `30 s`, `2.5 s`.
    private func seconds(_ milliseconds: Int) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
