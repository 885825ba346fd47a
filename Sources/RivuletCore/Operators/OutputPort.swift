// OutputPort: collects what an operator emits on one port into batches and hands them downstream.
import CRivulet

/// One output port of an operator instance: the batch being filled and the receivers it goes to.
///
/// Records are appended (copied, or forwarded by reference) during a callback; `flush()` hands the batch
/// to every receiver — a fused downstream operator (a function call), a ring to another task, or a
/// key partitioner — and starts a new one. A full batch is flushed at once. Fan-out receivers share the
/// same immutable batch.
public final class OutputPort {
    public let name: String
    public private(set) var schema: Schema
    public let batchCapacity: Int
    /// Where flushed batches go: each receiver with the input port it is connected to.
    public private(set) var receivers: [(operator: StreamOperator, port: Int)] = []
    /// Records emitted through this port so far.
    public private(set) var recordsOut: Int = 0
    @usableFromInline var current: RecordBatch?

    public init(name: String, schema: Schema, batchCapacity: Int) {
        self.name = name
        self.schema = schema
        self.batchCapacity = batchCapacity
    }

    /// Replaces the schema (only while the operator is created, before any record).
    public func setSchema(_ schema: Schema) {
        precondition(current == nil, "schema changed after records were emitted")
        self.schema = schema
    }

    public func connect(_ receiver: StreamOperator, port: Int) {
        receivers.append((receiver, port))
    }

    public var isConnected: Bool { !receivers.isEmpty }

    @inlinable
    func batchWithRoom() throws -> RecordBatch {
        if let b = current, !b.isFull { return b }
        if current != nil { try flush() }
        let b = RecordBatch(schema: schema, capacity: batchCapacity)
        current = b
        return b
    }

    /// Emits record `index` of `parent` unchanged (no bytes copied).
    public func forward(from parent: RecordBatch, index: Int) throws {
        try batchWithRoom().appendForwarded(from: parent, index: index)
        recordsOut += 1
    }

    /// Emits a copy of `record`. Returns false (and emits nothing) when its field count does not match
    /// the port's schema.
    public func emit(copying record: UnsafePointer<rv_record>) throws -> Bool {
        let ok = try batchWithRoom().append(copying: record)
        if ok { recordsOut += 1 }
        return ok
    }

    /// Gives direct access to a batch with room for one more record, for host operators that build
    /// records in place. Call `didAppend()` after appending.
    public func batchForAppending() throws -> RecordBatch {
        try batchWithRoom()
    }

    public func didAppend() { recordsOut += 1 }

    /// Hands the pending batch, if any, to every receiver.
    public func flush() throws {
        guard let b = current else { return }
        current = nil
        if b.isEmpty { return }
        for r in receivers { try r.operator.process(b, port: r.port) }
    }

    /// Passes a watermark to every receiver (after flushing, so it follows the records in order).
    public func advanceWatermark(to watermark: Int64) throws {
        try flush()
        for r in receivers { try r.operator.advanceWatermark(to: watermark) }
    }
}
