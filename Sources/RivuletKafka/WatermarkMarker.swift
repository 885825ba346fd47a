// WatermarkMarker: a watermark carried through a repartition topic, from its writers to its readers.
import CRdKafka

/// Flink's Kafka shuffle: a repartition topic mixes records of every input partition in each of its
/// partitions, so record times alone cannot give a watermark. Each writer sends, into every partition,
/// a marker record (no key, no value, header `rivulet.watermark` = `p1:w1,p2:w2,…`): "input partition
/// p1 is complete up to w1 (the largest time I wrote of it, minus the bound), …". A reader's watermark
/// for one partition of the topic is, over every input partition, the largest w reported for it — then
/// the smallest of those (`PartitionWatermarks` with a bound of 0, every input partition assigned from
/// the start, so one not yet reported holds it back). Per input partition, so a partition a writer
/// takes over from a dead one is reported from its own progress.
public enum WatermarkMarker {
    public static let header = "rivulet.watermark"
    /// On each record of a repartition topic: its event time, exactly (decimal ms).
    public static let timeHeader = "rivulet.time"

    /// On each record of a repartition topic: where it was read, `partition:offset` of the application's
    /// input — so a record written twice (by a process that died before committing, then by the one
    /// that took its input partition over) is counted once.
    public static let originHeader = "rivulet.origin"

    /// The event time a repartition topic's record carries, if it has one.
    static func time(_ message: UnsafePointer<rd_kafka_message_t>) -> Int64? {
        text(message, timeHeader).flatMap { Int64($0) }
    }

    /// The input position a repartition topic's record carries, if it has one.
    static func origin(_ message: UnsafePointer<rd_kafka_message_t>) -> (partition: Int32, offset: Int64)? {
        guard let text = text(message, originHeader) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let p = Int32(parts[0]), let o = Int64(parts[1]) else { return nil }
        return (p, o)
    }

    private static func text(_ message: UnsafePointer<rd_kafka_message_t>, _ name: String) -> String? {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return nil }
        var bytes: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(headers, name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let bytes else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self)
    }

    /// The header's value.
    public static func encode(_ marks: [(partition: Int32, watermark: Int64)]) -> [UInt8] {
        Array(marks.map { "\($0.partition):\($0.watermark)" }.joined(separator: ",").utf8)
    }

    /// The (input partition, watermark) pairs of a marker, or nil if `message` is not one.
    static func decode(_ message: UnsafePointer<rd_kafka_message_t>) -> [(partition: Int32, watermark: Int64)]? {
        guard message.pointee.payload == nil else { return nil }
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return nil }
        var bytes: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(headers, header, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let bytes else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self)
        return text.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let p = Int32(parts[0]), let w = Int64(parts[1]) else { return nil }
            return (p, w)
        }
    }
}
