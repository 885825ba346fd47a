// KafkaProducer: an idempotent librdkafka producer: records out with key, headers and timestamp; flush.
import CRdKafka
import Synchronization

/// A producer handle. `produce` queues a record (waiting while librdkafka's queue is full); `flush` waits
/// until every queued record is acknowledged by the brokers, and throws if any failed. Idempotent by
/// default (`enable.idempotence=true`: no duplicates or reordering from retries). librdkafka's handle is
/// thread-safe: a transactional producer is shared by every Kafka writer of a process (hence
/// `@unchecked Sendable`; the transactional calls are made by one thread at a time, `KafkaTransaction`).
public final class KafkaProducer: @unchecked Sendable {
    let handle: OpaquePointer
    private let reports = DeliveryReports()
    private let producedCount = Atomic<Int64>(0)
    /// Records handed to librdkafka.
    public var produced: Int64 { producedCount.load(ordering: .relaxed) }

    /// `properties` are passed through (they may override `enable.idempotence`).
    public init(properties: KafkaProperties) throws(KafkaError) {
        var all = KafkaProperties([("enable.idempotence", "true")])
        for (name, value) in properties.entries { all[name] = value }
        let conf = try all.makeConf()
        reports.install(on: conf)
        var reason = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot create a Kafka producer: \(errorText(reason))")
        }
        self.handle = handle
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// A header to send: its name and value bytes.
    public struct Header {
        public let name: String
        public let value: UnsafeRawBufferPointer
        public init(name: String, value: UnsafeRawBufferPointer) {
            self.name = name
            self.value = value
        }
    }

    /// Queues one record for `topic` (`partition` -1: chosen by librdkafka's partitioner from the key).
    /// Key, value and headers are copied. `timestamp` 0 means "now". Throws at once if librdkafka refuses
    /// the record (unknown topic, too large); delivery failures surface in `flush`.
    public func produce(
        topic: String, partition: Int32 = -1, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [Header] = [], timestamp: Int64
    ) throws(KafkaError) {
        var list: OpaquePointer? = nil
        if !headers.isEmpty {
            list = rd_kafka_headers_new(headers.count)
            for h in headers { _ = rd_kafka_header_add(list, h.name, -1, h.value.baseAddress, h.value.count) }
        }
        while true {
            let err = rivulet_kafka_produce(
                handle, topic, partition, key?.baseAddress, key?.count ?? 0, value?.baseAddress, value?.count ?? 0, list,
                timestamp, nil)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { break }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                // librdkafka's queue is full: serve delivery reports until there is room.
                rd_kafka_poll(handle, 10)
                continue
            }
            if let list { rd_kafka_headers_destroy(list) }
            throw KafkaError("producing to topic '\(topic)'", err)
        }
        let n = producedCount.add(1, ordering: .relaxed).newValue
        if n & 1023 == 0 { rd_kafka_poll(handle, 0) }
    }

    /// Waits until every queued record is acknowledged or `timeoutMilliseconds` pass, then throws the first
    /// delivery failure, if any. Once `cancelled` says the run failed (asked every 200 ms) it waits at most
    /// `graceMilliseconds` more: a healthy cluster acknowledges in far less, a gone one never does.
    public func flush(timeoutMilliseconds: Int32 = 60_000, cancelled: () -> Bool = { false }, graceMilliseconds: Int32 = 0) throws(KafkaError) {
        let clock = ContinuousClock()
        var deadline = clock.now + .milliseconds(timeoutMilliseconds)
        var givenGrace = false
        while true {
            let err = rd_kafka_flush(handle, 200)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { break }
            if !givenGrace && cancelled() {
                givenGrace = true
                deadline = min(deadline, clock.now + .milliseconds(graceMilliseconds))
            }
            if err != RD_KAFKA_RESP_ERR__TIMED_OUT || clock.now >= deadline {
                let why = givenGrace ? " (the run failed meanwhile)" : ""
                throw KafkaError("waiting for \(rd_kafka_outq_len(handle)) records to be acknowledged\(why)", err)
            }
        }
        try checkDeliveries()
    }

    /// Throws if any record so far could not be delivered.
    public func checkDeliveries() throws(KafkaError) {
        if let failure = reports.firstFailure {
            throw KafkaError("\(reports.failed) record(s) could not be delivered; the first: \(failure)")
        }
    }

    /// Records the brokers acknowledged.
    public var delivered: Int64 { reports.delivered }
}
