// KafkaTopicReader: reads what a test's topic holds, through a consumer group of its own.
import CRdKafka
import Foundation
import RivuletKafka

/// One Kafka record as a test sees it.
public struct ReadRecord: Sendable, Hashable {
    public let partition: Int32
    public let offset: Int64
    public let key: String?
    public let value: String
    public let timestamp: Int64
    public let headers: [String: String]
}

/// Reads `topic` from the beginning with a fresh consumer group until `count` records arrived (or
/// `timeout` seconds passed), in (partition, offset) order.
public func readTopic(_ bootstrap: String, _ topic: String, count: Int, timeout: Double = 60) throws -> [ReadRecord] {
    let consumer = try KafkaConsumer(
        properties: KafkaProperties([("bootstrap.servers", bootstrap)]), groupID: "test-reader-\(UUID().uuidString)", start: .earliest)
    defer { consumer.close() }
    try consumer.subscribe([topic])
    var records: [ReadRecord] = []
    let deadline = Deadline(seconds: timeout)
    while records.count < count && !deadline.hasPassed {
        _ = try consumer.poll(timeoutMilliseconds: 100, warning: { _ in }) { message in
            let m = message.pointee
            let bytes = { (p: UnsafeMutableRawPointer?, n: Int) in
                p.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: n), as: UTF8.self) }
            }
            var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            var headers: [String: String] = [:]
            var list: OpaquePointer?
            if rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
                var i = 0
                var name: UnsafePointer<CChar>?
                var value: UnsafeRawPointer?
                var size = 0
                while rd_kafka_header_get_all(list, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                    if let name {
                        headers[String(cString: name)] =
                            value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: size), as: UTF8.self) } ?? ""
                    }
                    i += 1
                }
            }
            records.append(
                ReadRecord(
                    partition: m.partition, offset: m.offset, key: bytes(m.key, m.key_len), value: bytes(m.payload, m.len) ?? "",
                    timestamp: rd_kafka_message_timestamp(message, &type), headers: headers))
        }
    }
    return records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
}
