// SliceCheck: finds a (pointer, length) argument that is NULL with a non-zero length, and says which.
import CRivulet
import RivuletCore

/// rivulet.h's rule for every (pointer, length) pair a plugin hands the host: NULL with length 0 is the
/// empty byte string; NULL with a non-zero length is refused with RV_INVALID and nothing is done. Each
/// check returns the phrase for `last_error` ("key is NULL with length 5"), or nil when the arguments
/// are fine — without allocating on that path.
///
/// Unsafe: the caller guarantees the pointers it passes in (a record, a row) point to at least the
/// number of elements their counts say, as rivulet.h requires of plugins; nothing else is dereferenced.
enum SliceCheck {
    /// "`name` is NULL with length n" (or with `lengthName` n), or nil.
    @inline(__always)
    static func bytes(_ name: StaticString, _ pointer: UnsafeRawPointer?, _ length: UInt64, lengthName: StaticString = "length") -> String? {
        pointer == nil && length != 0 ? "\(name) is NULL with \(lengthName) \(length)" : nil
    }

    /// The first string or bytes field of the row that is NULL with a non-zero length, named by its index
    /// and its name in `schema`: "field 2 ('tag') is NULL with length 3".
    static func row(_ fields: UnsafePointer<rv_field>, count: Int, schema: Schema) -> String? {
        for i in 0..<count {
            let f = fields[i]
            guard f.type == RV_TYPE_STRING || f.type == RV_TYPE_BYTES, f.len != 0, f.value.ptr == nil else { continue }
            let name = i < schema.count ? " ('\(schema.fields[i].name)')" : ""
            return "field \(i)\(name) is NULL with length \(f.len)"
        }
        return nil
    }

    /// A record passed to `emit`: its key, value, fields, headers, each header's value and each field.
    static func record(_ r: rv_record, schema: Schema) -> String? {
        if let bad = bytes("key", r.key, r.key_len) ?? bytes("value", r.value, r.value_len)
            ?? bytes("fields", r.fields, UInt64(r.field_count), lengthName: "field_count")
            ?? bytes("headers", r.headers, UInt64(r.header_count), lengthName: "header_count")
        {
            return bad
        }
        if let headers = r.headers {
            for i in 0..<Int(r.header_count) {
                if headers[i].value == nil && headers[i].value_len != 0 {
                    return "the value of header \(i) is NULL with length \(headers[i].value_len)"
                }
            }
        }
        guard let fields = r.fields else { return nil }
        return row(fields, count: Int(r.field_count), schema: schema)
    }
}
