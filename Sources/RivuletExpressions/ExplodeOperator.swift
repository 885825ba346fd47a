// ExplodeOperator: `explode: items`: one record per element of an array field (Flink's UNNEST, ksqlDB's EXPLODE).
import CRivulet
import RivuletCore
import RivuletExecution

/// Turns each record into one record per element of its array field (the field holds the array's JSON
/// text, as a jsonl source reads an array field): the other fields as they are, then the element's
/// fields — `items.sku`, `items.qty` for an array of objects, `items` for an array of scalars. A record
/// whose array is NULL or empty gives none (an inner UNNEST); one whose array does not read is
/// dead-lettered with the element and the reason.
public final class ExplodeOperator: StreamOperator {
    public let name: String
    public let out: OutputPort
    private let arrayField: Int
    private let kept: [Int]
    private let elements: JSONArrayDecoder
    private let deadLetters: DeadLetterRoute
    private var scratch: RecordBatch
    private var row: [rv_field]
    /// The most elements one array may have.
    static let maximumElements = 1 << 20

    public init(name: String, input: Schema, arrayField: Int, elementSchema: Schema, scalar: Bool, batchCapacity: Int, deadLetters: DeadLetterRoute) {
        self.name = name
        self.arrayField = arrayField
        self.deadLetters = deadLetters
        kept = (0..<input.count).filter { $0 != arrayField }
        elements = JSONArrayDecoder(elementSchema: elementSchema, scalar: scalar)
        scratch = RecordBatch(schema: elementSchema, capacity: 64)
        let arrayName = input.fields[arrayField].name
        var output = Schema(kept.map { input.fields[$0] })
        for f in elementSchema.fields {
            output.append(FieldDefinition(name: scalar ? arrayName : "\(arrayName).\(f.name)", type: f.type))
        }
        row = Array(repeating: rv_field(), count: output.count)
        out = OutputPort(name: "out", schema: output, batchCapacity: batchCapacity)
    }

    public func start() throws {}

    public func process(_ batch: RecordBatch, port: Int) throws {
        for i in 0..<batch.count {
            let record = batch.record(at: i)
            let array = record.pointee.fields[arrayField]
            guard array.type != FieldType.null.rawValue, array.len > 0 else { continue }
            let text = UnsafeRawBufferPointer(start: array.value.ptr, count: Int(array.len))
            let count: Int
            do {
                count = try decode(text)
            } catch {
                try deadLetters.send(
                    record, schema: batch.schema, reason: "explode '\(name)': \(batch.schema.fields[arrayField].name): \(error.message)")
                continue
            }
            for (k, f) in kept.enumerated() { row[k] = record.pointee.fields[f] }
            for e in 0..<count {
                let element = scratch.record(at: e).pointee.fields!
                for j in 0..<scratch.schema.count { row[kept.count + j] = element[j] }
                _ = try row.withUnsafeBufferPointer { try out.emitDerived(from: batch, index: i, fields: $0.baseAddress!, count: $0.count) }
            }
        }
    }

    /// The elements of `text` into a fresh `scratch` (64 elements, grown for a longer array up to
    /// `maximumElements`).
    private func decode(_ text: UnsafeRawBufferPointer) throws(DecodeFailure) -> Int {
        var capacity = 64
        while true {
            scratch = RecordBatch(schema: scratch.schema, capacity: capacity)
            do {
                return try elements.decode(text, into: scratch)
            } catch {
                guard scratch.isFull, capacity < Self.maximumElements else { throw error }
                capacity *= 4
            }
        }
    }

    public func advanceWatermark(to watermark: Int64) throws { try out.advanceWatermark(to: watermark) }
    public func advanceProcessingTime(to now: Int64) throws {}
    public func finish() throws { try out.flush() }
    public func close() {}
}
