// OutputPort: collects what an operator emits on one port into batches and hands them downstream.
import CRivulet
import RivuletCore

/// One output port of an operator instance: the batch being filled and the receivers it goes to.
///
/// Records are appended (copied, or forwarded by reference) during a callback; `flush()` hands the batch
/// to every edge the port is connected to (`BatchHandoff`: fused, ring or partitioned — the port does not
/// care which) and starts a new one. A full batch is flushed at once. Fan-out edges share the same
/// immutable batch. Used by one thread (its task's).
///
/// Unsafe state: the batch being filled is held as a manually retained reference (+1 while it is in
/// `state.current`, released when flushed or at deinit) in memory behind a `let` pointer, so the
/// per-record path costs no exclusivity check and no retain/release.
public final class OutputPort {
    public let name: String
    /// Written only while the operator is created, read per batch (by the port's thread only): unchecked.
    @exclusivity(unchecked) public private(set) var schema: Schema
    public let batchCapacity: Int
    /// Where flushed batches go.
    /// Written only while planning, read per batch (by the port's thread only): unchecked.
    @exclusivity(unchecked) public private(set) var edges: [Edge] = []

    @usableFromInline struct State {
        @usableFromInline var current: Unmanaged<RecordBatch>?
        @usableFromInline var recordsOut: Int
        /// Records forwarded or derived while this is below Int64.max get at most this watermark: an
        /// operator fed by several inputs must not pass on one input's watermark uncapped.
        @usableFromInline var watermarkCap: Int64
    }

    @usableFromInline let state: UnsafeMutablePointer<State>

    public init(name: String, schema: Schema, batchCapacity: Int) {
        self.name = name
        self.schema = schema
        self.batchCapacity = batchCapacity
        state = .allocate(capacity: 1)
        state.initialize(to: State(current: nil, recordsOut: 0, watermarkCap: .max))
    }

    deinit {
        state.pointee.current?.release()
        state.deallocate()
    }

    /// Whether a batch with records is waiting to be flushed.
    public var hasPendingRecords: Bool {
        guard let b = state.pointee.current else { return false }
        return b._withUnsafeGuaranteedRef { !$0.isEmpty }
    }

    /// Records emitted through this port so far (the emitting thread only).
    public var recordsOut: Int { state.pointee.recordsOut }
    /// Records handed downstream so far (none when the port is not connected), readable from any thread
    /// (metrics): updated once per batch.
    public let recordsFlushed = MetricsCounter(name: "records_out")

    /// Replaces the schema (only while the operator is created, before any record).
    public func setSchema(_ schema: Schema) {
        precondition(state.pointee.current == nil, "schema changed after records were emitted")
        self.schema = schema
    }

    /// Sends what the port flushes along `edge` too (while planning).
    public func connect(_ edge: Edge) {
        edges.append(edge)
    }

    public var isConnected: Bool { !edges.isEmpty }

    /// Calls `body` with a batch that has room for one more record (flushing a full one first).
    @inlinable
    func withBatch<R>(_ body: (RecordBatch) throws -> R) throws -> R {
        if let b = state.pointee.current {
            let result: R? = try b._withUnsafeGuaranteedRef { batch in
                batch.isFull ? nil : try body(batch)
            }
            if let result { return result }
            try flush()
        }
        let fresh = Unmanaged.passRetained(RecordBatch(schema: schema, capacity: batchCapacity))
        state.pointee.current = fresh
        return try fresh._withUnsafeGuaranteedRef(body)
    }

    /// Caps the per-record watermark of what is forwarded or derived from now on (Int64.max: no cap).
    /// Set by operators while they process a batch of one of several inputs.
    @inlinable
    public func setWatermarkCap(_ cap: Int64) { state.pointee.watermarkCap = cap }

    /// Applies the cap to records `from..<batch.count` just appended.
    @inlinable
    func capWatermarks(_ batch: RecordBatch, from: Int) {
        let cap = state.pointee.watermarkCap
        guard cap != .max else { return }
        for i in from..<batch.count where batch.watermarkBefore(i) > cap { batch.setWatermarkBefore(i, cap) }
    }

    /// Emits record `index` of `parent` unchanged (no bytes copied).
    @inlinable
    public func forward(from parent: RecordBatch, index: Int) throws {
        try withBatch {
            $0.appendForwarded(from: parent, index: index)
            capWatermarks($0, from: $0.count - 1)
        }
        state.pointee.recordsOut += 1
    }

    /// Emits records `offset + selected[i]` of `parent`, unchanged, in order: a batch-sized run of
    /// forwards with one capacity check per output batch.
    public func forward(from parent: RecordBatch, offset: Int, selected: UnsafeBufferPointer<UInt32>) throws {
        var next = 0
        while next < selected.count {
            next = try withBatch { batch in
                let n = min(selected.count - next, batch.capacity - batch.count)
                let first = batch.count
                batch.appendForwarded(from: parent, offset: offset, selected: UnsafeBufferPointer(rebasing: selected[next..<next + n]))
                capWatermarks(batch, from: first)
                return next + n
            }
        }
        state.pointee.recordsOut += selected.count
    }

    /// Emits a record derived from record `index` of `parent` with the field row `fields` (see
    /// `RecordBatch.appendDerived(from:index:fields:count:)`). Returns false (emitting nothing) when the
    /// count does not match or a string or bytes field is NULL with a non-zero length.
    public func emitDerived(from parent: RecordBatch, index: Int, fields: UnsafePointer<rv_field>, count: Int) throws -> Bool {
        let ok = try withBatch { batch in
            let appended = batch.appendDerived(from: parent, index: index, fields: fields, count: count)
            if appended { capWatermarks(batch, from: batch.count - 1) }
            return appended
        }
        if ok { state.pointee.recordsOut += 1 }
        return ok
    }

    /// Emits `count` records derived from records `offset + indexes[k]` (or `offset + k`) of `parent`, the
    /// k-th with the fields at `rows + k * fieldCount`, in order (see `RecordBatch.appendDerivedRows`),
    /// filling and flushing output batches as needed. The caller checked that `fieldCount` is the port's.
    /// Returns the number of records emitted: `count`, or `k` when row k holds a string or bytes field
    /// that is NULL with a non-zero length (the records before it are emitted, it and the rest are not).
    @discardableResult
    public func emitDerived(
        from parent: RecordBatch, offset: Int, indexes: UnsafePointer<UInt32>?, rows: UnsafePointer<rv_field>, count: Int,
        fieldCount: Int
    ) throws -> Int {
        precondition(fieldCount == schema.count, "rows of \(fieldCount) fields for port '\(name)' of \(schema.count)")
        var next = 0
        var complete = true
        while next < count && complete {
            next = try withBatch { batch in
                let n = min(count - next, batch.capacity - batch.count)
                let start = batch.count
                let appended = batch.appendDerivedRows(
                    from: parent, offset: offset, indexes: indexes.map { $0 + next },
                    rows: rows + next * fieldCount, count: n)
                capWatermarks(batch, from: start)
                complete = appended == n
                return next + appended
            }
        }
        state.pointee.recordsOut += next
        return next
    }

    /// Emits a copy of `record`. Returns false (and emits nothing) when its field count does not match
    /// the port's schema.
    public func emit(copying record: UnsafePointer<rv_record>) throws -> Bool {
        let ok = try withBatch { $0.append(copying: record) }
        if ok { state.pointee.recordsOut += 1 }
        return ok
    }

    /// Gives direct access to a batch with room for one more record, for host operators that build
    /// records in place. Call `didAppend()` after appending.
    public func batchForAppending() throws -> RecordBatch {
        try withBatch { $0 }
    }

    @inlinable
    public func didAppend() {
        state.pointee.recordsOut += 1
        if state.pointee.watermarkCap != .max, let b = state.pointee.current {
            b._withUnsafeGuaranteedRef { capWatermarks($0, from: $0.count - 1) }
        }
    }

    /// Emits the whole of `batch` — an input this port's operator rewrote in place — as its next output
    /// batch, right away (after anything pending). The caller guarantees the schema is the port's.
    public func emitWhole(_ batch: RecordBatch) throws {
        try flush()
        BatchHandoff.passOn(batch)
        capWatermarks(batch, from: 0)
        state.pointee.recordsOut += batch.count
        state.pointee.current = Unmanaged.passRetained(batch)
        try flush()
    }

    /// Hands the pending batch, if any, to every edge.
    public func flush() throws {
        guard let pending = state.pointee.current else { return }
        state.pointee.current = nil
        let batch = pending.takeRetainedValue()
        if batch.isEmpty || edges.isEmpty { return }
        recordsFlushed.add(Int64(batch.count))
        // This port is the batch's only holder (it just forgot it).
        try BatchHandoff.deliver(batch, to: edges)
    }

    /// Passes a watermark along every edge (after flushing, so it follows the records in order).
    public func advanceWatermark(to watermark: Int64) throws {
        try flush()
        for edge in edges { try edge.sendWatermark(watermark) }
    }
}
