// RecordView: safe Swift accessors over a borrowed rv_record and its fields (host side).
import CRivulet

/// Reads a borrowed `rv_record`: valid only while the batch that holds it lives.
public struct RecordView {
    public let raw: UnsafePointer<rv_record>

    public init(_ raw: UnsafePointer<rv_record>) {
        self.raw = raw
    }

    public var fieldCount: Int { Int(raw.pointee.field_count) }
    public var timestamp: Int64 { raw.pointee.timestamp }
    public var op: UInt32 { raw.pointee.op }

    public func field(_ index: Int) -> rv_field { raw.pointee.fields[index] }

    public var key: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.key, count: Int(raw.pointee.key_len))
    }

    public var value: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.value, count: Int(raw.pointee.value_len))
    }

    /// The bytes of a string/bytes field (empty for other types).
    public func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        let f = field(index)
        guard FieldType(rawValue: f.type)?.isBytesLike == true else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len))
    }

    /// A field as text, the way the CSV and lines codecs write it ("" for NULL).
    public func text(_ index: Int) -> String {
        FieldText.render(field(index))
    }
}
