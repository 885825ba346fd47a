// JoinRowCarrier: a join's input record as the bytes of a repartition topic's value, and back.
import CRivulet
import RivuletCore

/// Both inputs of a join split by key between processes travel through one repartition topic (`docs/KAFKA.md`,
/// "Joins"), so a record says which input it is. Its value: the input (u8: 0 left, 1 right), its change op
/// (u32, little-endian), then every field of that input's schema in `RowCodec`'s layout. The reader decodes
/// it into a *carrier* record — field `side` (i64), field `row` (bytes), the op on the record — and the
/// reader (`KafkaSource.stampsJoinSides`) stamps on it the watermark of its side of its partition (the
/// record's watermark) and the partition's watermark over both sides (field `watermark`), both as they
/// were when it was read; `KafkaJoinPartitions` turns it back into a record of the input's own schema.
public enum JoinRowCarrier {
    /// The reader's schema.
    public static let schema = Schema([
        FieldDefinition(name: "side", type: .i64), FieldDefinition(name: "row", type: .bytes), FieldDefinition(name: "watermark", type: .i64),
    ])
    static let sideField = 0, rowField = 1, watermarkField = 2

    /// Encodes every field of one join input's records, as that input (`side`).
    public struct Encoder: RecordEncoder {
        let side: UInt8
        let fields: [Int]

        public init(side: Int, fieldCount: Int) {
            self.side = UInt8(side)
            fields = Array(0..<fieldCount)
        }

        public func writeHeader(to writer: ByteWriter) throws {}

        public var endsWithNewline: Bool { false }

        public func encode(_ record: UnsafePointer<rv_record>, to writer: ByteWriter) throws {
            var bytes: [UInt8] = [side]
            var op = record.pointee.op.littleEndian
            withUnsafeBytes(of: &op) { bytes.append(contentsOf: $0) }
            var row: [UInt8] = []
            RowCodec.encode(record, fields: fields, into: &row)
            bytes += row
            try bytes.withUnsafeBytes { try writer.write($0) }
        }
    }

    /// Decodes a value into a carrier record, checking it: a known input, and a row of that input's
    /// field count.
    public struct Decoder: RecordDecoder {
        /// Per input (0 left, 1 right), its field count.
        let fieldCounts: [Int]

        public init(leftFields: Int, rightFields: Int) {
            fieldCounts = [leftFields, rightFields]
        }

        public func decode(_ value: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
            guard value.count >= 5 else { throw DecodeFailure("a join row of \(value.count) bytes (at least 5 expected)") }
            let side = Int(value[0])
            guard side < fieldCounts.count else { throw DecodeFailure("a join row of input \(side) (0 or 1 expected)") }
            let op = UInt32(value[1]) | UInt32(value[2]) << 8 | UInt32(value[3]) << 16 | UInt32(value[4]) << 24
            let row = UnsafeRawBufferPointer(rebasing: value[5...])
            guard RowCodec.isValid(row, count: fieldCounts[side]) else {
                throw DecodeFailure("a join row of input \(side) that is not \(fieldCounts[side]) fields")
            }
            let i = batch.appendEmpty()
            batch.setField(i, 0, .integer(Int64(side)))
            batch.setBytesField(i, 1, type: .bytes, row.baseAddress, count: row.count)
            batch.setField(i, 2, .integer(.min))
            batch.setOp(i, op)
        }
    }
}
