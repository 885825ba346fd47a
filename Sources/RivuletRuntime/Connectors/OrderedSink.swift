// OrderedSink: a sink fed by parallel window instances writes their results in the window's order.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletJoins
import RivuletSnapshot

/// `ordered: true`: the results of a window's parallel instances reach the sink in whatever order their
/// rings deliver them. This wrapper holds them until the sink's watermark (the smallest of the instances')
/// passes their firing time — a window result's time is its end − 1, and an instance fires a window when
/// its watermark reaches that + grace, after every result before it — then hands them to the sink in the order one
/// instance emits in: window end, window start, key (`docs/WINDOWS.md`), then arrival. So every run, at
/// every parallelism, writes the file one instance writes. Only `emit: final` windows (the planner
/// refuses others), and the sink's channels never go idle (`Planner+Wiring`), so no instance's results
/// are passed over; a result arriving behind what was released would be written at once, and counted
/// (`writtenOutOfOrder`).
public class OrderedSink: CheckpointedOperator, CountingSink {
    let inner: StreamOperator & CountingSink
    let schema: Schema
    /// The input's fields holding the window's start, end and key (nil: an unkeyed window).
    let startField: Int, endField: Int, keyField: Int?
    /// The window's grace: a window fires when the watermark reaches its end − 1 + grace.
    let grace: Int64
    struct Held {
        let batch: RecordBatch
        let index: Int
        let sequence: Int
    }
    var held: [Held] = []
    var sequence = 0
    /// The watermark up to which results have been released.
    var released = Int64.min
    /// Results that came behind what was released, written as they came.
    public let writtenOutOfOrder = MetricsCounter(name: "written_out_of_order")

    init(_ inner: StreamOperator & CountingSink, schema: Schema, startField: Int, endField: Int, keyField: Int?, grace: Int64) {
        self.inner = inner
        self.grace = grace
        self.schema = schema
        self.startField = startField
        self.endField = endField
        self.keyField = keyField
    }

    /// An ordered sink around `sink`, forwarding commits when the sink is a two-phase-commit one.
    static func wrapping(
        _ sink: StreamOperator & CountingSink, schema: Schema, startField: Int, endField: Int, keyField: Int?, grace: Int64
    ) -> OrderedSink {
        if let committing = sink as? CheckpointCommitting & CountingSink {
            return CommittingOrderedSink(committing, schema: schema, startField: startField, endField: endField, keyField: keyField, grace: grace)
        }
        return OrderedSink(sink, schema: schema, startField: startField, endField: endField, keyField: keyField, grace: grace)
    }

    public var name: String { inner.name }
    public var written: MetricsCounter { inner.written }

    public func process(_ batch: RecordBatch, port: Int) throws {
        var late: [Held] = []
        for i in 0..<batch.count {
            let h = Held(batch: batch, index: i, sequence: sequence)
            sequence += 1
            if fired(batch.record(at: i).pointee.timestamp, by: released) { late.append(h) } else { held.append(h) }
        }
        if !late.isEmpty {
            writtenOutOfOrder.add(Int64(late.count))
            try write(late)
        }
    }

    public func advanceWatermark(to watermark: Int64) throws {
        try release(upTo: watermark)
        try inner.advanceWatermark(to: watermark)
    }

    /// Writes, in order, every result the watermark `w` has passed.
    func release(upTo w: Int64) throws {
        guard w > released else { return }
        released = w
        var due: [Held] = []
        var kept: [Held] = []
        for h in held {
            if fired(h.batch.record(at: h.index).pointee.timestamp, by: w) { due.append(h) } else { kept.append(h) }
        }
        held = kept
        guard !due.isEmpty else { return }
        due.sort(by: precedes)
        try write(due)
    }

    /// Whether a result of time `t` (its window's end − 1) is due at watermark `w`: its window fired at
    /// `t + grace`, and every instance's results of that time have come once all passed it.
    private func fired(_ t: Int64, by w: Int64) -> Bool {
        let (due, overflow) = w.subtractingReportingOverflow(grace)
        return !overflow && t <= due
    }

    private func write(_ records: [Held]) throws {
        let out = RecordBatch(schema: schema, capacity: records.count)
        for h in records { out.appendForwarded(from: h.batch, index: h.index) }
        try inner.process(out, port: 0)
    }

    /// The window's emission order: end, start, key bytes (shorter first), arrival.
    private func precedes(_ a: Held, _ b: Held) -> Bool {
        let x = a.batch.record(at: a.index).pointee, y = b.batch.record(at: b.index).pointee
        let (xe, ye) = (x.fields[endField].value.i64, y.fields[endField].value.i64)
        if xe != ye { return xe < ye }
        let (xs, ys) = (x.fields[startField].value.i64, y.fields[startField].value.i64)
        if xs != ys { return xs < ys }
        if let keyField {
            let c = Self.compareKeys(x.fields[keyField], y.fields[keyField])
            if c != 0 { return c < 0 }
        }
        return a.sequence < b.sequence
    }

    /// Compares two key fields as the window orders keys: NULL first, strings by their bytes (shorter
    /// first), numbers numerically.
    static func compareKeys(_ a: rv_field, _ b: rv_field) -> Int {
        if a.type != b.type { return a.type < b.type ? -1 : 1 }
        if FieldType(rawValue: a.type)?.isBytesLike == true {
            let n = Int(min(a.len, b.len))
            let c = n == 0 ? 0 : Int(memcmp(a.value.ptr, b.value.ptr, n))
            if c != 0 { return c }
            return a.len == b.len ? 0 : (a.len < b.len ? -1 : 1)
        }
        // As the window orders numbers (`WindowGrouping.orderedBits`): -0.0 and 0.0 are two keys, NaN sorts.
        let (x, y) = (orderedBits(a), orderedBits(b))
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    /// A number's bits, compared as unsigned in numeric order (`WindowGrouping.orderedBits`'s rule).
    private static func orderedBits(_ f: rv_field) -> UInt64 {
        let bits = UInt64(bitPattern: f.value.i64)
        if f.type == FieldType.f64.rawValue { return bits >> 63 == 1 ? ~bits : bits ^ (1 << 63) }
        return bits ^ (1 << 63)
    }

    public func start() throws { try inner.start() }
    public func advanceProcessingTime(to now: Int64) throws { try inner.advanceProcessingTime(to: now) }

    public func finish() throws {
        try release(upTo: .max)
        try inner.finish()
    }

    public func close() { inner.close() }

    // MARK: Checkpoints

    /// The sink's state, if it has any, and the results held (which no operator holds any more: a window
    /// emitted them before the barrier), so a restart writes them.
    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try (inner as? CheckpointedOperator)?.snapshotState(into: &snapshot, checkpoint: checkpoint)
        saveHeld(into: &snapshot)
    }

    public func restoreState(from restore: OperatorRestore) throws {
        try (inner as? CheckpointedOperator)?.restoreState(from: restore)
        try restoreHeld(restore)
    }

    /// Saves the results held (not yet written) as keyed entries of key group 0 — the operator state is the
    /// sink's own — each: time, op, the watermark before it, key, every field (`RowCodec`).
    func saveHeld(into snapshot: inout OperatorSnapshot) {
        let fields = Array(0..<schema.count)
        var row: [UInt8] = []
        for h in held.sorted(by: { $0.sequence < $1.sequence }) {
            let record = h.batch.record(at: h.index)
            let r = record.pointee
            RowCodec.encode(record, fields: fields, into: &row)
            snapshot.addKeyed(group: 0) { w in
                w.write(r.timestamp)
                w.write(r.op)
                w.write(h.batch.watermarkBefore(h.index))
                w.write(bytes: UnsafeRawBufferPointer(start: r.key, count: Int(r.key_len)))
                w.write(bytes: row)
            }
        }
    }

    /// Puts back what `saveHeld` saved.
    func restoreHeld(_ restore: OperatorRestore) throws {
        var saved: [(time: Int64, op: UInt32, watermark: Int64, key: [UInt8], row: [UInt8])] = []
        try restore.forEachKeyed { _, reader in
            let time = try reader.readInt64()
            let op = try reader.readUInt32()
            let watermark = try reader.readInt64()
            let key = try reader.readBytes()
            let row = try reader.readBytes()
            guard row.withUnsafeBytes({ RowCodec.isValid($0, count: schema.count) }) else {
                throw SnapshotCorrupt(reader.name, "a held result is not a row of \(schema.count) fields")
            }
            try reader.expectEnd()
            saved.append((time, op, watermark, key, row))
        }
        guard !saved.isEmpty else { return }
        let batch = RecordBatch(schema: schema, capacity: saved.count)
        for s in saved {
            let i = batch.appendEmpty(timestamp: s.time)
            s.row.withUnsafeBytes { RowCodec.decode($0, count: schema.count, into: batch, index: i, first: 0) }
            if !s.key.isEmpty { s.key.withUnsafeBytes { batch.setKey(i, $0.baseAddress, count: $0.count) } }
            batch.setOp(i, s.op)
            batch.setWatermarkBefore(i, s.watermark)
            held.append(Held(batch: batch, index: i, sequence: sequence))
            sequence += 1
        }
    }
}

/// An ordered sink around a two-phase-commit sink: commits go to it.
final class CommittingOrderedSink: OrderedSink, CheckpointCommitting {
    private let committing: CheckpointCommitting

    init(_ sink: CheckpointCommitting & CountingSink, schema: Schema, startField: Int, endField: Int, keyField: Int?, grace: Int64) {
        committing = sink
        super.init(sink, schema: schema, startField: startField, endField: endField, keyField: keyField, grace: grace)
    }

    func commit(checkpoint id: UInt64) throws { try committing.commit(checkpoint: id) }
    var isTransactional: Bool { committing.isTransactional }
}

/// An ordered sink reports the results it had to write out of order (none, for windows it accepts).
extension OrderedSink: CounterReporting {
    func counterSnapshot() -> [(name: String, value: Int64)] { [(writtenOutOfOrder.name, writtenOutOfOrder.value)] }
}
