// RepartitionRow: a record as the bytes of a repartition topic's value, and back.
import CRivulet
import RivuletCore

/// The value of a repartition topic's record (`docs/KAFKA.md`): the input it is of (u8: 0, or for a
/// join's topic 0 left and 1 right), its change op (u32, little-endian), then every field of that input's
/// schema in `RowCodec`'s layout. Binary, so the writer and the reader of an internal topic neither format
/// nor parse text.
///
/// A window's reader decodes it into a record of its input's schema (`Decoder`). Both inputs of a join
/// split by key travel through one topic, so its reader decodes a *carrier* record (`CarrierDecoder`) —
/// field `side` (i64), field `row` (bytes), the op on the record — and stamps on it
/// (`KafkaSource.stampsJoinSides`) the watermark of its side of its partition (the record's watermark) and
/// the partition's watermark over both sides (field `watermark`), both as they were when it was read;
/// `KafkaJoinPartitions` turns it back into a record of its input's schema.
public enum RepartitionRow {
    /// A join reader's carrier schema.
    public static let carrierSchema = Schema([
        FieldDefinition(name: "side", type: .i64), FieldDefinition(name: "row", type: .bytes), FieldDefinition(name: "watermark", type: .i64),
    ])

    /// Encodes every field of one input's records, as input `side`.
    public struct Encoder: RecordEncoder {
        let side: UInt8
        let fields: [Int]
        /// The bytes of the record being encoded, reused record after record (its sink's thread only).
        private final class Scratch { var bytes: [UInt8] = [] }
        private let scratch = Scratch()

        public init(side: Int, fieldCount: Int) {
            self.side = UInt8(side)
            fields = Array(0..<fieldCount)
        }

        public func writeHeader(to writer: ByteWriter) throws {}

        public var endsWithNewline: Bool { false }

        public func encode(_ record: UnsafePointer<rv_record>, to writer: ByteWriter) throws {
            scratch.bytes.removeAll(keepingCapacity: true)
            scratch.bytes.append(side)
            var op = record.pointee.op.littleEndian
            withUnsafeBytes(of: &op) { scratch.bytes.append(contentsOf: $0) }
            RowCodec.append(record, fields: fields, to: &scratch.bytes)
            try scratch.bytes.withUnsafeBytes { try writer.write($0) }
        }
    }

    /// The input, op and row of a value, checked: a known input, and a row of that input's field count.
    static func parse(_ value: UnsafeRawBufferPointer, fieldCounts: [Int]) throws(DecodeFailure) -> (
        side: Int, op: UInt32, row: UnsafeRawBufferPointer
    ) {
        guard value.count >= 5 else { throw DecodeFailure("a repartition row of \(value.count) bytes (at least 5 expected)") }
        let side = Int(value[0])
        guard side < fieldCounts.count else {
            throw DecodeFailure("a repartition row of input \(side) (\(fieldCounts.count == 1 ? "0" : "0 or 1") expected)")
        }
        let op = UInt32(value[1]) | UInt32(value[2]) << 8 | UInt32(value[3]) << 16 | UInt32(value[4]) << 24
        let row = UnsafeRawBufferPointer(rebasing: value[5...])
        guard RowCodec.isValid(row, count: fieldCounts[side]) else {
            throw DecodeFailure("a repartition row of input \(side) that is not \(fieldCounts[side]) fields")
        }
        return (side, op, row)
    }

    /// Decodes a window's repartition row into a record of its input's schema.
    public struct Decoder: RecordDecoder {
        let fieldCount: Int

        public init(fieldCount: Int) {
            self.fieldCount = fieldCount
        }

        public func decode(_ value: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
            let (_, op, row) = try parse(value, fieldCounts: [fieldCount])
            let i = batch.appendEmpty()
            RowCodec.decode(row, count: fieldCount, into: batch, index: i, first: 0)
            batch.setOp(i, op)
        }
    }

    /// Decodes a join's repartition row into a carrier record.
    public struct CarrierDecoder: RecordDecoder {
        /// Per input (0 left, 1 right), its field count.
        let fieldCounts: [Int]

        public init(leftFields: Int, rightFields: Int) {
            fieldCounts = [leftFields, rightFields]
        }

        public func decode(_ value: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
            let (side, op, row) = try parse(value, fieldCounts: fieldCounts)
            let i = batch.appendEmpty()
            batch.setField(i, 0, .integer(Int64(side)))
            batch.setBytesField(i, 1, type: .bytes, row.baseAddress, count: row.count)
            batch.setField(i, 2, .integer(.min))
            batch.setOp(i, op)
        }
    }
}
