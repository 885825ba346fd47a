// JSONLinesDecoder: decodes one flat JSON object per line into the fields of a schema.
import CRivulet

/// Decodes lines like `{"card":"4111…","amount":12.5}` into records of `schema`. Members not in the
/// schema are skipped (nested values included); absent members are NULL. Numbers are checked against the
/// field's type; strings with escapes are unescaped. A field named with dots (`customer.id`) is read from
/// nested objects (`{"customer":{"id":…}}`), or from a member of exactly that name. A `rawFields` field
/// keeps its value's JSON text as it is (an array, for `explode`).
public struct JSONLinesDecoder: RecordDecoder {
    public let schema: Schema
    public let keyField: Int?
    private let names: [[UInt8]]
    /// The paths that lead to nested fields (`customer` for `customer.id`): objects worth entering.
    private let prefixes: Set<[UInt8]>
    private let rawFields: Set<Int>

    public init(schema: Schema, keyField: Int? = nil, rawFields: Set<Int> = []) {
        self.schema = schema
        self.keyField = keyField
        self.rawFields = rawFields
        names = schema.fields.map { Array($0.name.utf8) }
        var prefixes: Set<[UInt8]> = []
        for name in names {
            for (i, b) in name.enumerated() where b == UInt8(ascii: ".") && i > 0 { prefixes.insert(Array(name[..<i])) }
        }
        self.prefixes = prefixes
    }

    public func decode(_ line: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
        let index = batch.appendEmpty()
        do {
            var scanner = JSONScanner(line)
            try decodeObject(&scanner, prefix: nil, record: index, batch: batch)
            try scanner.expectEnd()
        } catch {
            batch.removeLast()
            throw error
        }
        if let keyField { batch.setKey(index, fromField: keyField) }
    }

    /// The members of one object; `prefix` is the path of the object (nil at the top).
    func decodeObject(_ scanner: inout JSONScanner, prefix: [UInt8]?, record: Int, batch: RecordBatch) throws(DecodeFailure) {
        try scanner.expect(UInt8(ascii: "{"))
        if scanner.consumeIf(UInt8(ascii: "}")) { return }
        repeat {
            var path = try scanner.string()
            if let prefix { path = prefix + [UInt8(ascii: ".")] + path }
            try scanner.expect(UInt8(ascii: ":"))
            if let field = names.firstIndex(of: path) {
                try decodeValue(&scanner, field: field, record: record, batch: batch)
            } else if !prefixes.isEmpty, scanner.peek == UInt8(ascii: "{"), prefixes.contains(path) {
                try decodeObject(&scanner, prefix: path, record: record, batch: batch)
            } else {
                try scanner.skipValue()
            }
        } while scanner.consumeIf(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
    }

    func decodeValue(_ scanner: inout JSONScanner, field: Int, record: Int, batch: RecordBatch)
        throws(DecodeFailure)
    {
        let def = schema.fields[field]
        if scanner.consumeLiteral("null") { return }
        if rawFields.contains(field) {
            _ = scanner.peek
            let start = scanner.i
            try scanner.skipValue()
            let raw = UnsafeRawBufferPointer(rebasing: scanner.bytes[start..<scanner.i])
            batch.setBytesField(record, field, type: def.type, raw.baseAddress, count: raw.count)
            return
        }
        switch def.type {
        case .string, .bytes:
            guard scanner.peek == UInt8(ascii: "\"") else {
                throw DecodeFailure("field '\(def.name)': expected a string")
            }
            let s = try scanner.string()
            s.withUnsafeBytes { batch.setBytesField(record, field, type: def.type, $0.baseAddress, count: $0.count) }
        case .bool:
            var f = rv_field()
            f.type = FieldType.bool.rawValue
            if scanner.consumeLiteral("true") {
                f.value.i64 = 1
            } else if scanner.consumeLiteral("false") {
                f.value.i64 = 0
            } else {
                throw DecodeFailure("field '\(def.name)': expected true or false")
            }
            batch.setField(record, field, f)
        case .i64, .f64, .timestamp:
            let text: [UInt8]
            if scanner.peek == UInt8(ascii: "\"") { text = try scanner.string() } else { text = scanner.numberText() }
            // Valid JSON of another kind (true, an object, an array) is a wrong type, not broken JSON.
            if text.isEmpty, let kind = Self.kindOfValue(at: scanner.peek) {
                throw DecodeFailure("field '\(def.name)': expected a number, got \(kind)")
            }
            do {
                let f = try text.withUnsafeBytes { bytes throws(FieldText.ParseFailure) in
                    try FieldText.parse(bytes, as: def.type)
                }
                batch.setField(record, field, f)
            } catch {
                throw DecodeFailure("field '\(def.name)': \((error as? FieldText.ParseFailure)?.message ?? "\(error)")")
            }
        case .null:
            try scanner.skipValue()
        }
    }

    /// What a JSON value starting with `byte` is, when it is not a number or a string.
    private static func kindOfValue(at byte: UInt8?) -> String? {
        switch byte {
        case UInt8(ascii: "t"): "true"
        case UInt8(ascii: "f"): "false"
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        default: nil
        }
    }
}
