// KafkaTopicReader: what a test's topic holds, as strings, read to its end with `KafkaReader`.
import Foundation
import RivuletKafka

/// One Kafka record as a test sees it: key, value and headers as text.
public struct ReadRecord: Sendable, Hashable {
    public let partition: Int32
    public let offset: Int64
    public let key: String?
    public let value: String
    public let timestamp: Int64
    public let headers: [String: String]
}

/// Every record of `topic` up to the end offsets at the time of the call, in (partition, offset) order;
/// expects `count` of them.
public func readTopic(_ bootstrap: String, _ topic: String, count: Int, timeout: Double = 60) throws -> [ReadRecord] {
    let reader = try KafkaReader(properties: KafkaProperties([("bootstrap.servers", bootstrap)]))
    let text = { (bytes: [UInt8]?) in bytes.map { String(decoding: $0, as: UTF8.self) } }
    return try reader.readToEnd(topic: topic, timeoutMilliseconds: Int(timeout * 1000)).map { r in
        ReadRecord(
            partition: r.partition, offset: r.offset, key: text(r.key), value: text(r.value) ?? "", timestamp: r.timestamp,
            headers: Dictionary(r.headers.map { ($0.name, text($0.value) ?? "") }) { $1 })
    }.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
}
