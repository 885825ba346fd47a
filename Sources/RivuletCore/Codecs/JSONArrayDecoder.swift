// JSONArrayDecoder: the elements of a JSON array (an array field's text) as records, one per element.

/// Decodes `[{"sku":"a","qty":2}, …]` (elements that are objects, read into the fields of
/// `elementSchema` as `JSONLinesDecoder` reads a line) or `["a","b"]` (scalars, into its one field) —
/// the elements of an array field, for `explode`. NULL elements of scalar arrays are NULL fields.
public struct JSONArrayDecoder {
    public let elementSchema: Schema
    private let objects: JSONLinesDecoder?
    private let scalars: JSONLinesDecoder?

    /// `scalar`: the elements are values of the schema's one field, not objects.
    public init(elementSchema: Schema, scalar: Bool) {
        self.elementSchema = elementSchema
        objects = scalar ? nil : JSONLinesDecoder(schema: elementSchema)
        scalars = scalar ? JSONLinesDecoder(schema: elementSchema) : nil
    }

    /// Appends one record of `elementSchema` to `batch` per element of the array `text`; returns how many.
    /// A batch too small for the elements gets as many as fit, then a failure.
    public func decode(_ text: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) -> Int {
        var scanner = JSONScanner(text)
        guard scanner.peek == UInt8(ascii: "[") else { throw DecodeFailure("expected an array") }
        scanner.i += 1
        var count = 0
        if scanner.consumeIf(UInt8(ascii: "]")) {
            try scanner.expectEnd()
            return 0
        }
        repeat {
            guard !batch.isFull else { throw DecodeFailure("an array of more than \(batch.capacity) elements") }
            let record = batch.appendEmpty()
            do {
                if let objects {
                    if !scanner.consumeLiteral("null") {
                        guard scanner.peek == UInt8(ascii: "{") else { throw DecodeFailure("element \(count + 1): expected an object") }
                        try objects.decodeObject(&scanner, prefix: nil, record: record, batch: batch)
                    }
                } else if let scalars {
                    try scalars.decodeValue(&scanner, field: 0, record: record, batch: batch)
                }
            } catch {
                batch.removeLast()
                throw DecodeFailure("element \(count + 1): \((error as? DecodeFailure)?.message ?? "\(error)")")
            }
            count += 1
        } while scanner.consumeIf(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
        try scanner.expectEnd()
        return count
    }
}
