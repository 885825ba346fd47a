// MapOperator: `map: { set, drop, rename }`: each record with computed fields, some dropped, some renamed.
import CRivulet
import RivuletCore
import RivuletExecution

/// Rewrites each record: the output schema is the input's fields (renamed, without the dropped ones),
/// then the `set` fields that are new, in the order written; a `set` field that already exists is
/// replaced in place. Every expression reads the input record (not one another's results). A record
/// whose expression fails is dead-lettered with the field, the expression and the reason; the output
/// keeps the input record's key, time and position.
public final class MapOperator: StreamOperator {
    /// Where each output field comes from.
    public enum Source {
        case input(Int)
        case computed(CompiledExpression)
    }

    public let name: String
    public let out: OutputPort
    private let sources: [Source]
    private let names: [String]
    private let deadLetters: DeadLetterRoute
    private let scratch = ExpressionScratch()
    private var row: [rv_field]

    public init(name: String, output: Schema, sources: [Source], batchCapacity: Int, deadLetters: DeadLetterRoute) {
        precondition(sources.count == output.count, "one source per output field")
        self.name = name
        self.sources = sources
        self.deadLetters = deadLetters
        names = output.fields.map(\.name)
        row = Array(repeating: rv_field(), count: output.count)
        out = OutputPort(name: "out", schema: output, batchCapacity: batchCapacity)
    }

    public func start() throws {}

    public func process(_ batch: RecordBatch, port: Int) throws {
        records: for i in 0..<batch.count {
            let record = batch.record(at: i)
            scratch.reset()
            for (k, source) in sources.enumerated() {
                switch source {
                case .input(let f): row[k] = record.pointee.fields[f]
                case .computed(let e):
                    do {
                        row[k] = try e.evaluate(record, scratch).converted(to: e.type)
                    } catch {
                        try deadLetters.send(record, schema: batch.schema, reason: "map '\(name)': \(names[k]) = \(e.text): \(error.reason)")
                        continue records
                    }
                }
            }
            // Computed strings live in the scratch: emitDerived copies them into the output batch.
            _ = try row.withUnsafeBufferPointer { try out.emitDerived(from: batch, index: i, fields: $0.baseAddress!, count: $0.count) }
        }
    }

    public func advanceWatermark(to watermark: Int64) throws { try out.advanceWatermark(to: watermark) }
    public func advanceProcessingTime(to now: Int64) throws {}
    public func finish() throws { try out.flush() }
    public func close() {}
}
