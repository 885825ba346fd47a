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
    private let context: ColumnContext
    private var values = FieldBuffer()
    private var kept: [UInt32] = []
    private var dropped: [UInt32] = []

    public init(name: String, predicate: CompiledExpression, schema: Schema, batchCapacity: Int, deadLetters: DeadLetterRoute) {
        self.name = name
        self.predicate = predicate
        self.deadLetters = deadLetters
        context = ColumnContext(scratch: scratch)
        out = OutputPort(name: "out", schema: schema, batchCapacity: batchCapacity)
        rejected = OutputPort(name: "rejected", schema: schema, batchCapacity: batchCapacity)
    }

    deinit { values.release() }

    public func start() throws {}

    /// The predicate over the whole batch, then the kept and rejected records forwarded through
    /// selection vectors; records whose predicate failed are dead-lettered.
    public func process(_ batch: RecordBatch, port: Int) throws {
        guard batch.count > 0 else { return }
        scratch.reset()
        context.begin(batch.record(at: 0))
        let v = values.reserve(batch.count)
        predicate.evaluate(context, count: batch.count, into: v)
        // Locals in the loop (no exclusivity checks on the operator's properties per record).
        var kept = self.kept, dropped = self.dropped
        self.kept = []
        self.dropped = []
        defer {
            self.kept = kept
            self.dropped = dropped
        }
        kept.removeAll(keepingCapacity: true)
        dropped.removeAll(keepingCapacity: true)
        let failures = context.failures
        for i in 0..<batch.count where failures.isEmpty || failures[UInt32(i)] == nil {
            if v[i].type != 0 && v[i].value.i64 != 0 { kept.append(UInt32(i)) } else { dropped.append(UInt32(i)) }
        }
        if !kept.isEmpty { try kept.withUnsafeBufferPointer { try out.forward(from: batch, offset: 0, selected: $0) } }
        if !dropped.isEmpty, rejected.isConnected {
            try dropped.withUnsafeBufferPointer { try rejected.forward(from: batch, offset: 0, selected: $0) }
        }
        for (row, reason) in context.failures.sorted(by: { $0.key < $1.key }) {
            try deadLetters.send(batch.record(at: Int(row)), schema: batch.schema, reason: "filter '\(name)': \(predicate.text): \(reason)")
        }
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
