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
    private let context: ColumnContext
    /// Per computed field, its values for the batch being mapped.
    private var columns: [FieldBuffer]
    /// The rows of the batch being mapped (grown to the largest batch), and the records they are of.
    private var rows = FieldBuffer()
    private var indexes: [UInt32] = []
    /// The failures of the batch: row → (output field, reason), the first computed field's that failed.
    private var failed: [UInt32: (Int, String)] = [:]
    /// The output fields copied from the input (output, input field), and those computed (output, type).
    private let copied: [(Int, Int)]
    private let computed: [(k: Int, type: FieldType)]

    public init(name: String, output: Schema, sources: [Source], batchCapacity: Int, deadLetters: DeadLetterRoute) {
        precondition(sources.count == output.count, "one source per output field")
        self.name = name
        self.sources = sources
        self.deadLetters = deadLetters
        names = output.fields.map(\.name)
        context = ColumnContext(scratch: scratch)
        columns = sources.map { _ in FieldBuffer() }
        copied = sources.enumerated().compactMap { k, s in if case .input(let f) = s { (k, f) } else { nil } }
        computed = sources.enumerated().compactMap { k, s in if case .computed(let e) = s { (k, e.type) } else { nil } }
        out = OutputPort(name: "out", schema: output, batchCapacity: batchCapacity)
    }

    deinit {
        rows.release()
        for c in columns { c.release() }
    }

    public func start() throws {}

    /// Each computed field over the whole batch (column by column), then the rows assembled and emitted
    /// in one call (computed strings live in the scratch until then: it is reset once a batch). A record
    /// whose expression failed is dead-lettered with the first field that failed.
    public func process(_ batch: RecordBatch, port: Int) throws {
        let count = batch.count, width = sources.count
        guard count > 0 else { return }
        scratch.reset()
        if !failed.isEmpty { failed.removeAll(keepingCapacity: true) }
        let first = batch.record(at: 0)
        for (k, source) in sources.enumerated() {
            guard case .computed(let e) = source else { continue }
            context.begin(first)
            let values = columns[k].reserve(count)
            e.evaluate(context, count: count, into: values)
            for (row, reason) in context.failures where failed[row] == nil || failed[row]!.0 > k { failed[row] = (k, reason) }
        }
        let row = rows.reserve(count * width)
        // Locals in the loop (no exclusivity checks on the operator's properties per record).
        var mapped = indexes
        indexes = []
        mapped.removeAll(keepingCapacity: true)
        let copied = self.copied, computed = self.computed.map { (k: $0.k, values: columns[$0.k].pointer, type: $0.type) }
        let anyFailed = !failed.isEmpty
        for i in 0..<count where !anyFailed || failed[UInt32(i)] == nil {
            let target = row + mapped.count * width
            let fields = batch.record(at: i).pointee.fields!
            for (k, f) in copied { target[k] = fields[f] }
            for (k, values, type) in computed { target[k] = values[i].converted(to: type) }
            mapped.append(UInt32(i))
        }
        indexes = mapped
        if indexes.count == count, batch.canRewriteInPlace(width: width) {
            // Every record mapped, on a batch this operator holds alone: its records get the new rows in
            // place (no record copied; computed strings are copied into the batch), as a C map's would.
            batch.rewriteInPlace(schema: out.schema, rows: row, width: width)
            try out.emitWhole(batch)
        } else if !indexes.isEmpty {
            try indexes.withUnsafeBufferPointer { ix in
                _ = try out.emitDerived(from: batch, offset: 0, indexes: ix.baseAddress, rows: row, count: ix.count, fieldCount: width)
            }
        }
        for (i, (k, reason)) in failed.sorted(by: { $0.key < $1.key }) {
            guard case .computed(let e) = sources[k] else { continue }
            try deadLetters.send(batch.record(at: Int(i)), schema: batch.schema, reason: "map '\(name)': \(names[k]) = \(e.text): \(reason)")
        }
    }

    public func advanceWatermark(to watermark: Int64) throws { try out.advanceWatermark(to: watermark) }
    public func advanceProcessingTime(to now: Int64) throws {}
    public func finish() throws { try out.flush() }
    public func close() {}
}
