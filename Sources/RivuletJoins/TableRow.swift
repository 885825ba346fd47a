// TableRow: a stream–table join's stored table row: the time of its change, then its fields.
import CRivulet

/// The value a stream–table join keeps per key: a marker byte 0xFF (no `RowCodec` row starts with it: a
/// row starts with a field's type code), the time of the change (i64, little-endian), then the fields in
/// `RowCodec`'s layout. A deleted key keeps a tombstone — marker 0xFE and the time of the delete — so a
/// late change older than the delete does not bring the key back. A value without a marker (written
/// before rows kept their time) has the fields only, and an unknown time (`Int64.min`).
enum TableRow {
    static let marker: UInt8 = 0xFF
    static let tombstoneMarker: UInt8 = 0xFE

    /// A tombstone of a key deleted at `time`.
    static func tombstone(time: Int64) -> [UInt8] {
        var t = time.littleEndian
        return [tombstoneMarker] + withUnsafeBytes(of: &t) { Array($0) }
    }

    /// Whether a stored value is a tombstone (the key is deleted).
    static func isTombstone(_ value: UnsafeRawBufferPointer) -> Bool { value.count == 9 && value[0] == tombstoneMarker }

    /// Encodes `fields` of `record`, changed at `time`, into `out`.
    static func encode(_ record: UnsafePointer<rv_record>, fields: [Int], time: Int64, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(marker)
        var t = time.littleEndian
        withUnsafeBytes(of: &t) { out.append(contentsOf: $0) }
        RowCodec.append(record, fields: fields, to: &out)
    }

    /// Whether stored bytes are a tombstone or a row of `count` fields (checkpoints).
    static func isValid(_ value: UnsafeRawBufferPointer, count: Int) -> Bool {
        isTombstone(value) || RowCodec.isValid(fields(value), count: count)
    }

    /// The fields of a stored value (valid while it is; not for a tombstone).
    static func fields(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard value.count >= 9, value[0] == marker else { return value }
        return UnsafeRawBufferPointer(rebasing: value[9...])
    }

    /// The time of a stored value's change (`Int64.min`: not known).
    static func time(_ value: UnsafeRawBufferPointer) -> Int64 {
        guard value.count >= 9, value[0] == marker || value[0] == tombstoneMarker else { return .min }
        return Int64(littleEndian: value.loadUnaligned(fromByteOffset: 1, as: Int64.self))
    }
}
