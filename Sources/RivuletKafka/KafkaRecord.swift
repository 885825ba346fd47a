// KafkaRecord: one record read from Kafka, copied out of librdkafka's message: position, time, key, headers, value.
import CRdKafka

/// A record as `KafkaReader` returns it. Key, value and header values are the bytes the producer sent
/// (nil: none — a record without a key, a tombstone, a header without a value).
public struct KafkaRecord: Sendable, Hashable {
    /// A header: its name and value bytes.
    public struct Header: Sendable, Hashable {
        public let name: String
        public let value: [UInt8]?

        public init(name: String, value: [UInt8]?) {
            self.name = name
            self.value = value
        }
    }

    public let topic: String
    public let partition: Int32
    public let offset: Int64
    /// Epoch milliseconds (the producer's create time or the broker's log-append time), -1 when none.
    public let timestamp: Int64
    public let key: [UInt8]?
    public let headers: [Header]
    public let value: [UInt8]?

    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64, key: [UInt8]?, headers: [Header], value: [UInt8]?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.headers = headers
        self.value = value
    }

    /// Copies everything out of `message`, a record without an error (valid for the duration of the call).
    init(_ message: UnsafePointer<rd_kafka_message_t>) {
        let m = message.pointee
        // `key`/`payload` point to `key_len`/`len` bytes owned by the message, alive during this call.
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
        var headers: [Header] = []
        var list: OpaquePointer?
        if rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var name: UnsafePointer<CChar>?
            var bytes: UnsafeRawPointer?
            var size = 0
            var index = 0
            // Each name is a NUL-terminated string and each value `size` bytes (or NULL), owned by the
            // message's header list, alive during this call.
            while rd_kafka_header_get_all(list, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(
                    Header(name: name.map { String(cString: $0) } ?? "", value: bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        self.init(
            topic: m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "", partition: m.partition, offset: m.offset,
            timestamp: rd_kafka_message_timestamp(message, nil), key: key, headers: headers, value: value)
    }
}
