// KafkaConsumer: a consumer group member: subscribe, poll records, hear about rebalances, commit offsets.
import CRdKafka

/// A librdkafka consumer in group `groupID` with cooperative-sticky assignment (partitions move one at a
/// time; the others keep flowing). librdkafka commits only offsets stored by `store` (automatic offset
/// storing is off), so a record counts as consumed only once what it produced is safe; `commit` commits
/// at once (the end of a run). One thread polls: rebalance callbacks run
/// inside `poll` on that thread. librdkafka's handle is thread-safe, so `commit`, `committed` and
/// `assignment` may be called from another thread meanwhile (hence `@unchecked Sendable`).
public final class KafkaConsumer: @unchecked Sendable {
    let handle: OpaquePointer
    private let rebalance: RebalanceHandler
    /// Whether `subscribe` joined a group (a member of one is destroyed only once assigned: see `deinit`).
    private var subscribed = false
    /// Whether `close` gave up waiting for the group (the handle is then never destroyed: see `deinit`).
    private var closeAbandoned = false
    public let groupID: String

    /// `properties` are passed through and may override the defaults set here. `strict`: a position
    /// that is no longer on the broker (its records were deleted before they were read) is an error
    /// thrown by `poll`, not a silent jump to the oldest record left (`auto.offset.reset=error`; a
    /// partition without a committed offset then starts at its beginning explicitly).
    public init(properties: KafkaProperties, groupID: String, start: StartPosition, strict: Bool = false) throws(KafkaError) {
        var all = KafkaProperties([
            ("group.id", groupID), ("enable.auto.commit", "true"), ("auto.commit.interval.ms", "1000"), ("enable.auto.offset.store", "false"),
            ("partition.assignment.strategy", "cooperative-sticky"),
            ("auto.offset.reset", start == .latest ? "latest" : "earliest"),
        ])
        for (name, value) in properties.entries { all[name] = value }
        if strict { all["auto.offset.reset"] = "error" }
        let conf = try all.makeConf()
        rebalance = RebalanceHandler(
            start: start, explicitStart: strict, cooperativeStrategy: all["partition.assignment.strategy"]?.contains("cooperative") ?? false)
        rebalance.install(on: conf)
        var reason = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot create a Kafka consumer: \(errorText(reason))")
        }
        self.handle = handle
        self.groupID = groupID
        rd_kafka_poll_set_consumer(handle)
    }

    deinit {
        // librdkafka before 2.3.0 (Debian's is 2.0.2) aborts the process when a cooperative-sticky group
        // member is destroyed after its JoinGroup was answered and before its first assignment
        // (`Assertion 'assignor_state' failed`, librdkafka #4312): such a handle — already closed, so it
        // has left the group — is left to the process's exit instead, with its callback's object.
        // `KafkaShutdownTests`.
        // A close given up (`close`) would block again inside `rd_kafka_destroy`.
        if (subscribed && !rebalance.assignedOnce) || closeAbandoned {
            _ = Unmanaged.passRetained(rebalance)
            return
        }
        rd_kafka_destroy(handle)
    }

    /// Who hears about assignments and revocations.
    public var listener: RebalanceListener? {
        get { rebalance.listener }
        set { rebalance.listener = newValue }
    }

    /// Joins the group for `topics` (a name starting with `^` is a regular expression).
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = PartitionList.make(topics.map { (TopicPartition($0, RD_KAFKA_PARTITION_UA), 0) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("subscribing to \(topics.joined(separator: ", "))", err) }
        subscribed = true
    }

    /// Takes every partition of `topics` from its beginning, outside any group (no rebalances, nothing
    /// committed): a global table's reader. Returns the partitions taken; a topic that does not exist
    /// is an error.
    public func assignAll(_ topics: [String]) throws(KafkaError) -> [TopicPartition] {
        var partitions: [TopicPartition] = []
        for topic in topics {
            guard let count = try KafkaMetadata.partitionCount(handle, topic: topic, timeoutMilliseconds: 30_000) else {
                throw KafkaError("topic '\(topic)' does not exist")
            }
            partitions += (0..<Int32(count)).map { TopicPartition(topic, $0) }
        }
        let list = PartitionList.make(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_BEGINNING)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_assign(handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("taking the partitions of \(topics.joined(separator: ", "))", err) }
        return partitions
    }

    /// Waits up to `timeoutMilliseconds` for the next record and hands it to `body` (valid during the
    /// call only). Returns false when none came. Errors of the cluster that librdkafka recovers from by
    /// itself are passed to `warning`; a fatal one is thrown.
    public func poll(
        timeoutMilliseconds: Int32, warning: (String) -> Void, endOfPartition: (TopicPartition, _ offset: Int64) -> Void = { _, _ in },
        _ body: (UnsafePointer<rd_kafka_message_t>) throws -> Void
    ) throws -> Bool {
        guard let message = rd_kafka_consumer_poll(handle, timeoutMilliseconds) else {
            if let failure = rebalance.failure { throw failure }
            return false
        }
        defer { rd_kafka_message_destroy(message) }
        if let failure = rebalance.failure { throw failure }
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            try body(message)
            return true
        }
        if err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET {
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            let text = message.pointee.payload.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: message.pointee.len), as: UTF8.self) }
            throw KafkaError(
                "\(TopicPartition(topic, message.pointee.partition)): the position to read is no longer on the broker, so records were "
                    + "deleted before they were read (retention; the mock cluster keeps 5 MB a partition): \(text ?? "offset out of range")",
                code: err)
        }
        if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            endOfPartition(TopicPartition(topic, message.pointee.partition), message.pointee.offset)
            return false
        }
        var reason = [CChar](repeating: 0, count: 512)
        let fatal = rd_kafka_fatal_error(handle, &reason, reason.count)
        if fatal != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("Kafka consumer: fatal error: \(errorText(reason))", code: fatal) }
        let text = message.pointee.payload.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: message.pointee.len), as: UTF8.self) }
        let topic = message.pointee.rkt.map { " (\(String(cString: rd_kafka_topic_name($0))))" } ?? ""
        warning("Kafka consumer\(topic): \(text ?? String(cString: rd_kafka_err2str(err)))")
        return false
    }

    /// The end of `tp` (its high watermark) as the last fetch response from its broker reported it, or nil
    /// before the first. Kept by librdkafka's fetcher; asks nothing of the broker.
    public func endOffset(_ tp: TopicPartition) -> Int64? {
        var low: Int64 = 0
        var high: Int64 = 0
        guard rd_kafka_get_watermark_offsets(handle, tp.topic, tp.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return high
    }

    /// Commits `offsets` (the offset of the next record to read, per partition) for the group, waiting for
    /// the broker's answer.
    public func commit(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = PartitionList.make(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_commit(handle, list, 0)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("committing offsets of \(offsets.count) partition(s)", err) }
        for i in 0..<Int(list.pointee.cnt) where list.pointee.elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let e = list.pointee.elems[i]
            throw KafkaError("committing the offset of \(TopicPartition(String(cString: e.topic), e.partition))", e.err)
        }
    }

    /// Stores `offsets` (the next record to read, per partition) for librdkafka to commit on its own
    /// schedule and when the partitions are revoked. Partitions not assigned any more are left out.
    public func store(_ offsets: [TopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = PartitionList.make(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_offsets_store(handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__STATE {
            throw KafkaError("storing offsets of \(offsets.count) partition(s)", err)
        }
    }

    /// Commits the offsets stored so far (`store`) for every partition assigned, waiting for the broker's
    /// answer: called in a revocation, before the partitions are given up (Kafka Streams commits in
    /// `onPartitionsRevoked`), when the member still holds them in its generation.
    public func commitStored() throws(KafkaError) {
        let err = rd_kafka_commit(handle, nil, 0)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError("committing the stored offsets", err)
        }
    }

    /// The offsets the group has committed for `partitions` (nil: none).
    public func committed(_ partitions: [TopicPartition], timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> [TopicPartition: Int64] {
        try RebalanceHandler.committed(handle, partitions, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The partitions assigned to this member now.
    public func assignment() -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return PartitionList.entries(list).map(\.0)
    }

    /// The low and high watermark offsets of `partition` (the high one: the offset the next record
    /// written will get), asked of the broker.
    public func watermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0, high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("asking for the end offsets of \(partition)", err) }
        return (low, high)
    }

    /// Leaves the group (revoking every partition through the listener first), waiting at most
    /// `closeSeconds`. A group member first unsubscribes and serves the rebalance that follows — records
    /// still arriving are dropped, their offsets never stored — until it holds nothing and no event is
    /// left; only then is the handle closed. librdkafka 2.0.2 aborts when a close finds an assignment
    /// still in progress (`rd_kafka_cgrp_terminated: assert: !rd_kafka_assignment_in_progress`, librdkafka
    /// #4792, seen when a process stopped while the group moved another's partitions to it);
    /// unsubscribing first is the workaround its maintainers suggest. A member never assigned skips this
    /// (see `deinit`). Returns false when the group did not confirm the close in time (its coordinator
    /// unreachable: librdkafka would wait out its session timeout, twice): the handle is then left open to
    /// the process's exit, and the group moves its partitions after the session timeout.
    @discardableResult
    public func close() -> Bool {
        rebalance.closing = true
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(Self.closeSeconds)
        if subscribed && rebalance.assignedOnce {
            _ = rd_kafka_unsubscribe(handle)
            var settled = false
            while clock.now < deadline {
                let event = rd_kafka_consumer_poll(handle, 50)
                if let event { rd_kafka_message_destroy(event) }
                if event == nil && assignment().isEmpty {
                    settled = true
                    break
                }
            }
            // Still holding partitions: closing now is what aborts (#4792); the handle is left open instead.
            guard settled else {
                closeAbandoned = true
                return false
            }
        }
        guard let queue = rd_kafka_queue_new(handle) else { return rd_kafka_consumer_close(handle) == RD_KAFKA_RESP_ERR_NO_ERROR }
        if let error = rd_kafka_consumer_close_queue(handle, queue) {
            // Not a group member, or closed already: nothing to wait for.
            rd_kafka_error_destroy(error)
            rd_kafka_queue_destroy(queue)
            return true
        }
        // The close goes on in librdkafka's threads. The consumer's queue now forwards to `queue`: polling
        // the consumer serves its rebalance callbacks there and returns the records still fetched, which
        // are dropped (`rd_kafka_queue_poll_callback` must not see records: librdkafka asserts).
        while rd_kafka_consumer_closed(handle) == 0 && clock.now < deadline {
            if let message = rd_kafka_consumer_poll(handle, 100) { rd_kafka_message_destroy(message) }
        }
        guard rd_kafka_consumer_closed(handle) != 0 else {
            // The group's queue still forwards to `queue`: both stay, as the handle does (`deinit`).
            closeAbandoned = true
            return false
        }
        rd_kafka_queue_destroy(queue)
        return true
    }

    /// How long `close` waits for the group to confirm (a healthy cluster takes well under a second).
    public static let closeSeconds: Int64 = 10
}
