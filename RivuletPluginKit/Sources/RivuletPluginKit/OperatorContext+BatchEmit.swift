// OperatorContext+BatchEmit: emitting a derived record per input record of a batch in one host call.
internal import CRivulet

extension OperatorContext {
    /// Whether the host has `emit_derived_batch` (ABI 1.1): a 1.0 host's table ends before it.
    var hostEmitsBatches: Bool {
        hostHas(\rv_host_api.emit_derived_batch) && api.pointee.emit_derived_batch != nil
    }

    /// A map: emits one record derived from each record of `batch` (its key, time, op, position), in
    /// order, to output `port`, with the row `fill` sets — starting as the record's fields (those the port
    /// has; the rest NULL). `fieldCount` defaults to the port's (`outputFieldCount`).
    ///
    /// One host call for the whole batch (`emit_derived_batch`; one per record on a 1.0 host). Nothing is
    /// allocated once the scratch memory has grown to a batch's needs; strings shared with the input are
    /// not copied, and when the host holds the input batch alone it rewrites it in place. If `fill` throws
    /// `RecordError` or `RetryLater`, the rows of the records before it are emitted first; any other error
    /// emits nothing.
    public func emit(_ batch: Batch, port: Int = 0, fieldCount: Int? = nil, _ fill: (Record, OutputRow) throws -> Void) throws {
        try emitRows(batch, port: port, fieldCount: fieldCount) { record, row in
            try fill(record, row)
            return true
        }
    }

    /// A filter-map: like `emit(_:port:fieldCount:_:)`, but only the records for which `fill` returns true
    /// are emitted (still one host call, with a selection of indexes).
    public func emitFilterMap(_ batch: Batch, port: Int = 0, fieldCount: Int? = nil, _ fill: (Record, OutputRow) throws -> Bool) throws {
        try emitRows(batch, port: port, fieldCount: fieldCount, fill)
    }

    /// Emits every record of `batch` made of its fields at `sources`, in that order, to output `port`: one
    /// host call for the whole batch. No bytes are copied: the host shares the input's. The fastest way to
    /// write a projection (a tight copy loop of its own: the pipeline benchmark runs through it).
    public func emit(_ batch: Batch, port: Int = 0, selecting sources: [Int]) throws {
        let n = batch.count, width = sources.count
        guard let first = batch.first else { return }
        precondition(sources.allSatisfy { $0 >= 0 && $0 < first.fieldCount }, "a selected field is outside the input's \(first.fieldCount) fields")
        guard hostEmitsBatches else {
            for record in batch { try emit(record, port: port, selecting: sources) }
            return
        }
        let rows = scratch.pointee.reserveRows(max(1, n * width))
        try sources.withUnsafeBufferPointer { picked in
            let records = UnsafeRawPointer(batch.raw.pointee.records!)
            let stride = Int(batch.raw.pointee.record_size)
            for i in 0..<n {
                let fields = (records + i * stride).assumingMemoryBound(to: rv_record.self).pointee.fields!
                let row = rows + i * width
                for k in 0..<width { row[k] = fields[picked[k]] }
            }
            try check(api.pointee.emit_derived_batch(ctx, UInt32(port), batch.raw, nil, rows, UInt64(n), UInt32(width)), "emit_derived_batch")
        }
    }

    /// Builds a row per record of `batch` in scratch memory (starting as the record's fields), keeps those
    /// `fill` accepts, and emits them in one call.
    private func emitRows(_ batch: Batch, port: Int, fieldCount: Int?, _ fill: (Record, OutputRow) throws -> Bool) throws {
        let n = batch.count
        guard n > 0 else { return }
        let width = fieldCount ?? outputFieldCount(port: port)
        scratch.pointee.arena.reset()
        let rows = scratch.pointee.reserveRows(max(1, n * width))
        let selected = scratch.pointee.reserveIndexes(n)
        var kept = 0
        var all = true
        for record in batch {
            let row = OutputRow(fields: rows + kept * width, count: width, scratch: scratch)
            row.start(from: record)
            let keep: Bool
            do {
                keep = try fill(record, row)
            } catch let error where error is RecordError || error is RetryLater {
                // The records before the failing one must be out before the host handles it.
                try send(batch, port: port, rows: rows, selected: all ? nil : selected, count: kept, width: width)
                throw error
            }
            if keep {
                selected[kept] = UInt32(record.index)
                kept += 1
            } else {
                all = false
            }
        }
        try send(batch, port: port, rows: rows, selected: all ? nil : selected, count: kept, width: width)
    }

    /// One `emit_derived_batch` (or, on a 1.0 host, one `emit_derived` per row).
    private func send(
        _ batch: Batch, port: Int, rows: UnsafeMutablePointer<rv_field>, selected: UnsafeMutablePointer<UInt32>?,
        count: Int, width: Int
    ) throws {
        guard count > 0 else { return }
        if hostEmitsBatches {
            try check(
                api.pointee.emit_derived_batch(ctx, UInt32(port), batch.raw, selected, rows, UInt64(count), UInt32(width)),
                "emit_derived_batch")
            return
        }
        for k in 0..<count {
            let index = selected.map { UInt64($0[k]) } ?? UInt64(k)
            try check(api.pointee.emit_derived(ctx, UInt32(port), batch.raw, index, rows + k * width, UInt32(width)), "emit_derived")
        }
    }
}
