// TableRow: a stream–table join's stored table row: the time of its change, then its fields.
import CRivulet

/// The value a stream–table join keeps per key: a marker byte 0xFF (no `RowCodec` row starts with it: a
/// row starts with a field's type code), the time of the change (i64, little-endian), then the fields in
/// `RowCodec`'s layout. A value without the marker (written before rows kept their time) has the fields
/// only, and an unknown time (`Int64.min`).
enum TableRow {
    static let marker: UInt8 = 0xFF

    /// Encodes `fields` of `record`, changed at `time`, into `out`.
    static func encode(_ record: UnsafePointer<rv_record>, fields: [Int], time: Int64, into out: inout [UInt8]) {
        RowCodec.encode(record, fields: fields, into: &out)
        var t = time.littleEndian
        var head: [UInt8] = [marker]
        withUnsafeBytes(of: &t) { head.append(contentsOf: $0) }
        out.insert(contentsOf: head, at: 0)
    }

    /// The fields of a stored value (valid while it is).
    static func fields(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard value.count >= 9, value[0] == marker else { return value }
        return UnsafeRawBufferPointer(rebasing: value[9...])
    }

    /// The time of a stored value's change (`Int64.min`: not known).
    static func time(_ value: UnsafeRawBufferPointer) -> Int64 {
        guard value.count >= 9, value[0] == marker else { return .min }
        return Int64(littleEndian: value.loadUnaligned(fromByteOffset: 1, as: Int64.self))
    }
}
