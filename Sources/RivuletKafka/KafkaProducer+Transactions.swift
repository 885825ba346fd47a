// KafkaProducer+Transactions: librdkafka's transactional calls: init, begin, offsets, commit, abort.
import CRdKafka

extension KafkaProducer {
    /// How a transactional call failed: librdkafka's error, and whether the transaction must be aborted
    /// (`requiresAbort`), the call may be repeated (`retriable`), or the producer is unusable (`fatal`:
    /// fenced by a newer producer with the same `transactional.id`, or by the consumer group).
    public struct TransactionFailure: Error, CustomStringConvertible {
        public let error: KafkaError
        public let requiresAbort: Bool
        public let retriable: Bool
        public let fatal: Bool
        public var description: String { error.message }
    }

    /// Registers the `transactional.id` with the cluster, fencing any older producer with the same id
    /// and aborting its open transaction.
    public func initTransactions(timeoutMilliseconds: Int32) throws(TransactionFailure) {
        try check("starting transactions", rd_kafka_init_transactions(handle, timeoutMilliseconds))
    }

    public func beginTransaction() throws(TransactionFailure) {
        try check("beginning a transaction", rd_kafka_begin_transaction(handle))
    }

    /// Adds `offsets` (the next record to read, per partition) of `consumer`'s group to the open
    /// transaction: they are committed with it, and only if the consumer is still the member that
    /// holds them (the broker checks the group's generation).
    public func sendOffsets(_ offsets: [TopicPartition: Int64], of consumer: KafkaConsumer, timeoutMilliseconds: Int32)
        throws(TransactionFailure)
    {
        guard !offsets.isEmpty else { return }
        guard let metadata = rd_kafka_consumer_group_metadata(consumer.handle) else {
            throw TransactionFailure(
                error: KafkaError("the consumer of group '\(consumer.groupID)' has no group metadata"), requiresAbort: true, retriable: false,
                fatal: false)
        }
        defer { rd_kafka_consumer_group_metadata_destroy(metadata) }
        let list = PartitionList.make(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try check(
            "adding the offsets of \(offsets.count) partition(s) of group '\(consumer.groupID)' to the transaction",
            rd_kafka_send_offsets_to_transaction(handle, list, metadata, timeoutMilliseconds))
    }

    /// Waits until every record of the open transaction is acknowledged, then commits it.
    public func commitTransaction(timeoutMilliseconds: Int32) throws(TransactionFailure) {
        try check("committing the transaction", rd_kafka_commit_transaction(handle, timeoutMilliseconds))
    }

    /// Aborts the open transaction: its records are never seen by `read_committed` readers.
    public func abortTransaction(timeoutMilliseconds: Int32) throws(TransactionFailure) {
        try check("aborting the transaction", rd_kafka_abort_transaction(handle, timeoutMilliseconds))
    }

    private func check(_ what: String, _ error: OpaquePointer?) throws(TransactionFailure) {
        guard let error else { return }
        let requiresAbort = rd_kafka_error_txn_requires_abort(error) != 0
        let retriable = rd_kafka_error_is_retriable(error) != 0
        let fatal = rd_kafka_error_is_fatal(error) != 0
        throw TransactionFailure(error: KafkaError(what, consuming: error), requiresAbort: requiresAbort, retriable: retriable, fatal: fatal)
    }
}
