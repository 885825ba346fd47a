// OperatorContext+Emit: forwarding input records and emitting one record at a time (derived or new).
internal import CRivulet

extension OperatorContext {
    /// Passes `record` on unchanged to output `port` (no copy; the port must have the input's schema).
    /// Valid in `process`.
    public func forward(_ record: Record, port: Int = 0) throws {
        try check(api.pointee.forward(ctx, UInt32(port), currentBatch, UInt64(record.index)), "forward")
    }

    /// Passes the records of `batch` at `indexes` on unchanged, in that order, to output `port`, in one
    /// host call (a selection vector: what a filter does). No bytes are copied; the indexes are staged in
    /// scratch memory, so nothing is allocated. Valid in `process`, for the batch it received.
    public func forward(_ batch: Batch, selected indexes: some Sequence<Int>, port: Int = 0) throws {
        let n = indexes.underestimatedCount
        var staged = scratch.pointee.reserveIndexes(max(n, 1))
        var count = 0
        for i in indexes {
            precondition(i >= 0 && i < batch.count, "record index \(i) is outside the batch of \(batch.count)")
            if count == scratch.pointee.indexCapacity {
                // More than announced: grow, keeping what is staged.
                let kept = Array(UnsafeBufferPointer(start: staged, count: count))
                staged = scratch.pointee.reserveIndexes(count * 2)
                staged.update(from: kept, count: count)
            }
            staged[count] = UInt32(i)
            count += 1
        }
        try check(api.pointee.forward_selected(ctx, UInt32(port), batch.raw, staged, UInt64(count)), "forward_selected")
    }

    /// Passes on unchanged, to output `port`, the records of `batch` for which `include` is true, in one
    /// host call. If `include` throws `RecordError` or `RetryLater` for a record, the records selected
    /// before it are forwarded first (as the error contract asks); any other error forwards nothing.
    public func forward(_ batch: Batch, port: Int = 0, where include: (Record) throws -> Bool) throws {
        let staged = scratch.pointee.reserveIndexes(max(batch.count, 1))
        var count = 0
        for record in batch {
            let keep: Bool
            do {
                keep = try include(record)
            } catch let error where error is RecordError || error is RetryLater {
                try check(api.pointee.forward_selected(ctx, UInt32(port), batch.raw, staged, UInt64(count)), "forward_selected")
                throw error
            }
            if keep {
                staged[count] = UInt32(record.index)
                count += 1
            }
        }
        try check(api.pointee.forward_selected(ctx, UInt32(port), batch.raw, staged, UInt64(count)), "forward_selected")
    }

    /// Emits a record derived from `record` (its key, time, op, position and headers) to output `port`,
    /// with the row `fill` sets: it starts as `record`'s fields (those the port has; the rest NULL).
    /// `fieldCount` defaults to the port's (`outputFieldCount`). Strings the row shares with `record` are
    /// not copied; nothing is allocated once the scratch memory has grown. Valid in `process`.
    public func emit(_ record: Record, port: Int = 0, fieldCount: Int? = nil, _ fill: (OutputRow) throws -> Void) throws {
        let width = fieldCount ?? outputFieldCount(port: port)
        scratch.pointee.arena.reset()
        let row = OutputRow(fields: scratch.pointee.reserveRows(max(width, 1)), count: width, scratch: scratch)
        row.start(from: record)
        try fill(row)
        try check(
            api.pointee.emit_derived(ctx, UInt32(port), currentBatch, UInt64(record.index), row.fields, UInt32(width)),
            "emit_derived")
    }

    /// Emits `record` with some fields set, to output `port` whose schema has `fieldCount` fields (a
    /// convenience over `emit(_:port:fieldCount:_:)`; the array of changes costs an allocation per call).
    public func emit(_ record: Record, port: Int = 0, fieldCount: Int, changes: [(Int, FieldValue)]) throws {
        try emit(record, port: port, fieldCount: fieldCount) { row in
            for (index, value) in changes { row.set(index, value) }
        }
    }

    /// Emits a record made of `record`'s fields at `sources`, in that order, to output `port` (whose
    /// schema must be those fields). No bytes are copied: the host shares the input's.
    public func emit(_ record: Record, port: Int = 0, selecting sources: [Int]) throws {
        try emit(record, port: port, fieldCount: sources.count) { row in
            for (i, s) in sources.enumerated() { row.set(i, from: record, field: s) }
        }
    }

    /// Emits a new record — not derived from an input: from `onTimer`, `onWatermark`, `flush`, or an
    /// aggregating `process` — to output `port`, with key `key`, event time `timestamp`, `op`, no source
    /// position, and the row `fill` sets (it starts all NULL; `fieldCount` defaults to the port's). The
    /// host copies everything during the call; nothing is allocated once the scratch memory has grown.
    public func emit(
        key: some Collection<UInt8>, timestamp: Int64, op: RecordOp = .insert, port: Int = 0, fieldCount: Int? = nil,
        _ fill: (OutputRow) throws -> Void
    ) throws {
        let width = fieldCount ?? outputFieldCount(port: port)
        scratch.pointee.arena.reset()
        let row = OutputRow(fields: scratch.pointee.reserveRows(max(width, 1)), count: width, scratch: scratch)
        row.startEmpty()
        try fill(row)
        let status = withBytes(of: key) { keyBytes in
            var record = rv_record()
            record.key = keyBytes.baseAddress
            record.key_len = UInt64(keyBytes.count)
            record.fields = UnsafePointer(row.fields)
            record.field_count = UInt32(width)
            record.timestamp = timestamp
            record.op = op.rawValue
            // No source position: a new record does not come from one (partition -1, as the ABI says).
            record.partition = -1
            record.offset = -1
            return api.pointee.emit(ctx, UInt32(port), &record)
        }
        try check(status, "emit")
    }

    /// Emits a new record made of `fields` (a convenience over `emit(key:timestamp:…:_:)`; the array costs
    /// an allocation per call).
    public func emit(fields: [FieldValue], key: [UInt8] = [], timestamp: Int64, op: RecordOp = .insert, port: Int = 0) throws {
        try emit(key: key, timestamp: timestamp, op: op, port: port, fieldCount: fields.count) { row in
            for (i, value) in fields.enumerated() { row.set(i, value) }
        }
    }
}
