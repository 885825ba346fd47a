// JSONLinesDecoder: decodes one flat JSON object per line into the fields of a schema.
import CRivulet

/// Decodes lines like `{"card":"4111…","amount":12.5}` into records of `schema`. Members not in the
/// schema are skipped (nested values included); absent members are NULL. Numbers are checked against the
/// field's type; strings with escapes are unescaped.
public struct JSONLinesDecoder: RecordDecoder {
    public let schema: Schema
    public let keyField: Int?
    private let names: [[UInt8]]

    public init(schema: Schema, keyField: Int? = nil) {
        self.schema = schema
        self.keyField = keyField
        names = schema.fields.map { Array($0.name.utf8) }
    }

    public func decode(_ line: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
        let index = batch.appendEmpty()
        do {
            var scanner = JSONScanner(line)
            try scanner.expect(UInt8(ascii: "{"))
            if !scanner.consumeIf(UInt8(ascii: "}")) {
                repeat {
                    let name = try scanner.string()
                    try scanner.expect(UInt8(ascii: ":"))
                    let field = name.withUnsafeBytes { nameBytes in
                        names.firstIndex { $0.elementsEqual(nameBytes) }
                    }
                    if let field {
                        try decodeValue(&scanner, field: field, record: index, batch: batch)
                    } else {
                        try scanner.skipValue()
                    }
                } while scanner.consumeIf(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"))
            }
            try scanner.expectEnd()
        } catch {
            batch.removeLast()
            throw error
        }
        if let keyField { batch.setKey(index, fromField: keyField) }
    }

    private func decodeValue(_ scanner: inout JSONScanner, field: Int, record: Int, batch: RecordBatch)
        throws(DecodeFailure)
    {
        let def = schema.fields[field]
        if scanner.consumeLiteral("null") { return }
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
}
