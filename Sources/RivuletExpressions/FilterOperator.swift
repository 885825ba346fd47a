// FilterOperator: `filter: "<expression>"`: records whose expression is true go to `out`, the others to `rejected`.
import CRivulet
import RivuletCore
import RivuletExecution

/// Keeps the records for which a bool expression is true (SQL's WHERE: false and NULL are not). The
/// others go to the `rejected` port, if anything is connected to it. A record whose expression fails
/// (division by zero, a cast that does not parse) is dead-lettered with the expression and the reason.
/// Records are forwarded unchanged (no bytes copied), a batch at a time through selection vectors.
public final class FilterOperator: StreamOperator {
    public let name: String
    public let out: OutputPort
    public let rejected: OutputPort
    private let predicate: CompiledExpression
    private let deadLetters: DeadLetterRoute
    private let scratch = ExpressionScratch()
    private var kept: [UInt32] = []
    private var dropped: [UInt32] = []

    public init(name: String, predicate: CompiledExpression, schema: Schema, batchCapacity: Int, deadLetters: DeadLetterRoute) {
        self.name = name
        self.predicate = predicate
        self.deadLetters = deadLetters
        out = OutputPort(name: "out", schema: schema, batchCapacity: batchCapacity)
        rejected = OutputPort(name: "rejected", schema: schema, batchCapacity: batchCapacity)
    }

    public func start() throws {}

    public func process(_ batch: RecordBatch, port: Int) throws {
        kept.removeAll(keepingCapacity: true)
        dropped.removeAll(keepingCapacity: true)
        for i in 0..<batch.count {
            let record = batch.record(at: i)
            scratch.reset()
            do {
                let v = try predicate.evaluate(record, scratch)
                if !v.isNull && v.value.i64 != 0 { kept.append(UInt32(i)) } else { dropped.append(UInt32(i)) }
            } catch {
                try flushSelections(batch)
                try deadLetters.send(record, schema: batch.schema, reason: "filter '\(name)': \(predicate.text): \(error.reason)")
            }
        }
        try flushSelections(batch)
    }

    /// Emits the selected records so far (in order with a dead letter in between).
    private func flushSelections(_ batch: RecordBatch) throws {
        if !kept.isEmpty { try kept.withUnsafeBufferPointer { try out.forward(from: batch, offset: 0, selected: $0) } }
        if !dropped.isEmpty, rejected.isConnected {
            try dropped.withUnsafeBufferPointer { try rejected.forward(from: batch, offset: 0, selected: $0) }
        }
        kept.removeAll(keepingCapacity: true)
        dropped.removeAll(keepingCapacity: true)
    }

    public func advanceWatermark(to watermark: Int64) throws {
        try out.advanceWatermark(to: watermark)
        try rejected.advanceWatermark(to: watermark)
    }

    public func advanceProcessingTime(to now: Int64) throws {}

    public func finish() throws {
        try out.flush()
        try rejected.flush()
    }

    public func close() {}
}
