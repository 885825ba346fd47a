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

    /// On each record of a repartition topic (once its input partition has a watermark): the watermark of
    /// its input partition as of that record — the largest time written of that partition before it,
    /// minus the bound (decimal ms). The reader takes it as a marker of that input partition in the
    /// record's partition before the record, so each record meets the watermark it had in its input
    /// partition, not one that waits for the next broadcast marker (with one input partition, a
    /// repartitioned operator sees exactly the watermarks of a single process).
    public static let markHeader = "rivulet.mark"

    /// The watermark of its input partition a repartition topic's record carries, if it has one.
    static func inlineMark(_ message: UnsafePointer<rd_kafka_message_t>) -> Int64? {
        value(message, markHeader).flatMap { decimal($0[...]) }
    }

    /// The event time a repartition topic's record carries, if it has one.
    static func time(_ message: UnsafePointer<rd_kafka_message_t>) -> Int64? {
        value(message, timeHeader).flatMap { decimal($0[...]) }
    }

    /// Records derived from one input record share its offset (an `explode`, a plugin emitting several):
    /// the writer numbers them, and their position is offset × 2^20 + that number.
    static let sequenceBits: Int64 = 20

    /// The position a record derived from input `offset`, the `sequence`-th of it, is written at.
    static func position(offset: Int64, sequence: Int64) -> Int64 { offset << sequenceBits | min(sequence, (1 << sequenceBits) - 1) }

    /// The input position a repartition topic's record carries, if it has one: its input partition and
    /// its ordered position (`position(offset:sequence:)`; header `p:offset` or `p:offset:sequence`).
    static func origin(_ message: UnsafePointer<rd_kafka_message_t>) -> (partition: Int32, position: Int64)? {
        guard let bytes = value(message, originHeader), let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let p = decimal(bytes[..<colon]), let partition = Int32(exactly: p)
        else { return nil }
        let rest = bytes[(colon + 1)...]
        if let second = rest.firstIndex(of: UInt8(ascii: ":")) {
            guard let o = decimal(rest[..<second]), let s = decimal(rest[(second + 1)...]), o >= 0, o < 1 << 43, s >= 0 else { return nil }
            return (partition, position(offset: o, sequence: s))
        }
        guard let o = decimal(rest), o >= 0, o < 1 << 43 else { return nil }
        return (partition, position(offset: o, sequence: 0))
    }

    /// A header's bytes, valid while `message` is.
    private static func value(_ message: UnsafePointer<rd_kafka_message_t>, _ name: String) -> UnsafeRawBufferPointer? {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return nil }
        var bytes: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(headers, name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let bytes else { return nil }
        return UnsafeRawBufferPointer(start: bytes, count: size)
    }

    /// A decimal integer (an optional '-', then 1 to 19 digits), or nil.
    static func decimal(_ bytes: Slice<UnsafeRawBufferPointer>) -> Int64? {
        var i = bytes.startIndex
        let negative = i < bytes.endIndex && bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < bytes.endIndex, bytes.endIndex - i <= 19 else { return nil }
        // Accumulated below zero, where Int64.min fits.
        var value: Int64 = 0
        while i < bytes.endIndex {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.subtractingReportingOverflow(Int64(d))
            guard !o1 && !o2 else { return nil }
            value = a
            i += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// Writes `value` in decimal at `at` of `buffer` (room for 20 bytes from `at`); returns the end.
    static func writeDecimal(_ value: Int64, into buffer: UnsafeMutableRawBufferPointer, at: Int) -> Int {
        var end = at
        if value < 0 {
            buffer[end] = UInt8(ascii: "-")
            end += 1
        }
        // The digits go backwards into the end of the room, then forwards into place (at or before them).
        var magnitude = value.magnitude
        var tail = at + 20
        repeat {
            tail -= 1
            buffer[tail] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        let count = at + 20 - tail
        for k in 0..<count { buffer[end + k] = buffer[tail + k] }
        return end + count
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
