// RebalanceHandler: librdkafka's rebalance callback: assigns (incrementally), positions, tells the listener.
import CRdKafka

/// The consumer's rebalance callback. On an assignment it sets where partitions without a committed
/// offset begin (a start timestamp), takes the partitions (incrementally under cooperative-sticky) and
/// tells the listener; on a revocation it tells the listener first (so offsets can be committed), then
/// gives the partitions up. Runs inside `rd_kafka_consumer_poll`, on the polling thread.
final class RebalanceHandler {
    let start: StartPosition
    /// Partitions without a committed offset get their start set here (for `auto.offset.reset=error`).
    let explicitStart: Bool
    weak var listener: RebalanceListener?
    /// A failure inside the callback, thrown by the next `poll`.
    var failure: KafkaError?
    /// Whether the group has given this consumer an assignment (possibly empty) at least once.
    private(set) var assignedOnce = false
    /// Set once the consumer is closing: an assignment that arrives then (a rebalance already under way)
    /// is taken without positioning it or telling the listener — the close gives it back at once, and
    /// asking the coordinator for committed offsets then blocks until it times out, each time.
    var closing = false
    /// The partitions the listener has been told are assigned (and not yet that they are revoked).
    private var told: Set<TopicPartition> = []

    /// Whether the configured `partition.assignment.strategy` is cooperative (for when librdkafka names none).
    let cooperativeStrategy: Bool

    init(start: StartPosition, explicitStart: Bool = false, cooperativeStrategy: Bool = true) {
        self.start = start
        self.explicitStart = explicitStart
        self.cooperativeStrategy = cooperativeStrategy
    }

    /// Installs the callback on `conf`, with this object as its opaque (the consumer keeps it alive).
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { handle, err, partitions, opaque in
            guard let handle, let opaque else { return }
            Unmanaged<RebalanceHandler>.fromOpaque(opaque).takeUnretainedValue().rebalance(handle, err, partitions)
        }
    }

    private func rebalance(_ handle: OpaquePointer, _ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        // librdkafka names no protocol (NULL) once the consumer is leaving its group (a revocation while
        // closing): the configured assignment strategy says which it was.
        let named: UnsafePointer<CChar>? = rd_kafka_rebalance_protocol(handle)
        let cooperative = named.map { String(cString: $0) == "COOPERATIVE" } ?? cooperativeStrategy
        let partitions = PartitionList.entries(list).map(\.0)
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            assignedOnce = true
            if closing {
                // Taken only so the close can give it back.
            } else if case .timestamp(let time) = start, let list {
                do { try position(handle, list, at: time) } catch { failure = error }
            } else if explicitStart, let list {
                let at = Int64(start == .latest ? RD_KAFKA_OFFSET_END : RD_KAFKA_OFFSET_BEGINNING)
                do { try positionUncommitted(handle, list, at: at) } catch { failure = error }
            }
            let starts = partitions.isEmpty || closing ? [:] : listener?.partitionsAssigned(partitions) ?? [:]
            if !closing { told.formUnion(partitions) }
            if let list, !starts.isEmpty {
                for i in 0..<Int(list.pointee.cnt) {
                    let tp = TopicPartition(String(cString: list.pointee.elems[i].topic), list.pointee.elems[i].partition)
                    if let offset = starts[tp] { list.pointee.elems[i].offset = offset }
                }
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(handle, list) {
                    failure = KafkaError("taking partitions \(partitions)", consuming: error)
                    return
                }
            } else {
                let e = rd_kafka_assign(handle, list)
                if e != RD_KAFKA_RESP_ERR_NO_ERROR {
                    failure = KafkaError("taking partitions \(partitions)", e)
                    return
                }
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let known = partitions.filter { told.remove($0) != nil }
            if !known.isEmpty { listener?.partitionsRevoked(known, lost: rd_kafka_assignment_lost(handle) != 0) }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, list) { failure = KafkaError("giving up partitions", consuming: error) }
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
        default:
            failure = KafkaError("consumer group rebalance", err)
            _ = rd_kafka_assign(handle, nil)
        }
    }

    /// Sets the offset of every partition of `list` without a committed offset to the first record at or
    /// after `time` (the end of the partition if there is none).
    private func position(_ handle: OpaquePointer, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, at time: Int64) throws(KafkaError) {
        let partitions = PartitionList.entries(list).map(\.0)
        let committed = try Self.committed(handle, partitions, timeoutMilliseconds: 10_000)
        let fresh = partitions.filter { committed[$0] == nil }
        guard !fresh.isEmpty else { return }
        let query = PartitionList.make(fresh.map { ($0, time) })
        defer { rd_kafka_topic_partition_list_destroy(query) }
        let err = rd_kafka_offsets_for_times(handle, query, 10_000)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("finding the offsets for time \(time) of \(fresh)", err) }
        var found: [TopicPartition: Int64] = [:]
        for (tp, offset) in PartitionList.entries(query) { found[tp] = offset < 0 ? Int64(RD_KAFKA_OFFSET_END) : offset }
        for i in 0..<Int(list.pointee.cnt) {
            let tp = TopicPartition(String(cString: list.pointee.elems[i].topic), list.pointee.elems[i].partition)
            if let offset = found[tp] { list.pointee.elems[i].offset = offset }
        }
    }

    /// Sets the offset of every partition of `list` without a committed offset to `at` (a logical offset).
    private func positionUncommitted(_ handle: OpaquePointer, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, at: Int64)
        throws(KafkaError)
    {
        let committed = try Self.committed(handle, PartitionList.entries(list).map(\.0), timeoutMilliseconds: 10_000)
        for i in 0..<Int(list.pointee.cnt) {
            let tp = TopicPartition(String(cString: list.pointee.elems[i].topic), list.pointee.elems[i].partition)
            if committed[tp] == nil { list.pointee.elems[i].offset = at }
        }
    }

    /// The committed offsets of `partitions` (absent: none committed).
    static func committed(_ handle: OpaquePointer, _ partitions: [TopicPartition], timeoutMilliseconds: Int32) throws(KafkaError) -> [TopicPartition:
        Int64]
    {
        guard !partitions.isEmpty else { return [:] }
        let list = PartitionList.make(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(handle, list, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("asking for the committed offsets of \(partitions)", err) }
        var result: [TopicPartition: Int64] = [:]
        for (tp, offset) in PartitionList.entries(list) where offset >= 0 { result[tp] = offset }
        return result
    }
}
