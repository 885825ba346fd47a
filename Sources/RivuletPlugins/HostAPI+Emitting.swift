// HostAPI+Emitting: emit, forward, forward_selected, emit_derived and emit_derived_batch.
import CRivulet
import RivuletCore
import RivuletExecution

extension HostAPI {
    /// The shared prologue of the emitting services: finds the context and the output port without any
    /// reference counting (both are kept alive by their owners for the whole callback), clears the host
    /// error, checks the port (and that a batch is being processed, for services that refer to it), and
    /// turns a host failure downstream into RV_FATAL, keeping the error for the host to rethrow once the
    /// plugin returns.
    @inline(__always)
    static func emitting(
        _ ctx: OpaquePointer?, _ service: String, port: UInt32, needsInput: Bool,
        _ body: (PluginContext, PluginContext.FastPath, OutputPort) throws -> rv_status
    ) -> rv_status {
        guard let ctx else { return RV_INVALID }
        return Unmanaged<PluginContext>.fromOpaque(UnsafeRawPointer(ctx))._withUnsafeGuaranteedRef { c in
            c.hostCallBegins()
            let fast = c.fast.pointee
            guard let outputs = fast.outputs, !needsInput || fast.input != nil else {
                return c.invalid(
                    needsInput
                        ? "\(service): only valid during process"
                        : "\(service): only valid during process, on_watermark, on_timer and flush")
            }
            guard Int(port) < fast.outputCount else { return c.invalid("\(service): no output port \(port)") }
            do {
                // Whatever was emitted before comes first: a deferred whole-batch rewrite is emitted now.
                if fast.pendingPort >= 0 { try c.materializeDeferredRewrite() }
                c.fast.pointee.emissions += 1
                return try outputs[Int(port)]._withUnsafeGuaranteedRef { try body(c, c.fast.pointee, $0) }
            } catch {
                c.pendingFailure = error
                return c.fail(RV_FATAL, "\(service): \(error)")
            }
        }
    }

    static func fillEmitting(_ api: inout rv_host_api) {
        api.emit = { ctx, port, record in
            HostAPI.emitting(ctx, "emit", port: port, needsInput: false) { c, fast, out in
                guard let record else { return c.invalid("emit: record is NULL") }
                guard Int(record.pointee.field_count) == out.schema.count else {
                    return c.invalid(
                        "emit: the record has \(record.pointee.field_count) fields but output port '\(out.name)' has \(out.schema.count)")
                }
                if let bad = SliceCheck.record(record.pointee, schema: out.schema) { return c.invalid("emit: \(bad)") }
                guard try out.emit(copying: record) else { return c.invalid("emit: the record does not fit output port '\(out.name)'") }
                return RV_OK
            }
        }
        api.forward = { ctx, port, batch, index in
            HostAPI.emitting(ctx, "forward", port: port, needsInput: true) { c, fast, out in
                guard let batch, index < batch.pointee.count else { return c.invalid("forward: record index \(index) is outside the batch") }
                guard fast.forwardable![fast.inputPort * fast.outputCount + Int(port)] else {
                    return c.invalid("forward: output port '\(out.name)' does not have the input's schema; use emit")
                }
                try fast.input!._withUnsafeGuaranteedRef { try out.forward(from: $0, index: fast.inputOffset + Int(index)) }
                return RV_OK
            }
        }
        api.forward_selected = { ctx, port, batch, indexes, count in
            HostAPI.emitting(ctx, "forward_selected", port: port, needsInput: true) { c, fast, out in
                guard let batch else { return c.invalid("forward_selected: batch is NULL") }
                if let bad = SliceCheck.bytes("indexes", indexes, count, lengthName: "count") { return c.invalid("forward_selected: \(bad)") }
                guard fast.forwardable![fast.inputPort * fast.outputCount + Int(port)] else {
                    return c.invalid("forward_selected: output port '\(out.name)' does not have the input's schema; use emit")
                }
                let selected = UnsafeBufferPointer(start: indexes, count: Int(count))
                if let bad = selected.first(where: { UInt64($0) >= batch.pointee.count }) {
                    return c.invalid("forward_selected: record index \(bad) is outside the batch")
                }
                try fast.input!._withUnsafeGuaranteedRef { try out.forward(from: $0, offset: fast.inputOffset, selected: selected) }
                return RV_OK
            }
        }
        api.emit_derived = { ctx, port, batch, index, fields, fieldCount in
            HostAPI.emitting(ctx, "emit_derived", port: port, needsInput: true) { c, fast, out in
                guard let batch, index < batch.pointee.count else { return c.invalid("emit_derived: record index \(index) is outside the batch") }
                guard Int(fieldCount) == out.schema.count else {
                    return c.invalid("emit_derived: \(fieldCount) fields given but output port '\(out.name)' has \(out.schema.count)")
                }
                guard let fields = fields ?? (fieldCount == 0 ? UnsafePointer(bitPattern: MemoryLayout<rv_field>.alignment) : nil) else {
                    return c.invalid("emit_derived: fields is NULL with field_count \(fieldCount)")
                }
                let emitted = try fast.input!._withUnsafeGuaranteedRef {
                    try out.emitDerived(from: $0, index: fast.inputOffset + Int(index), fields: fields, count: Int(fieldCount))
                }
                // The count matched: a refused row holds a string or bytes field NULL with a length.
                guard emitted else {
                    return c.invalid("emit_derived: \(SliceCheck.row(fields, count: Int(fieldCount), schema: out.schema) ?? "invalid row")")
                }
                return RV_OK
            }
        }
        api.emit_derived_batch = { ctx, port, batch, indexes, rows, count, fieldCount in
            HostAPI.emitting(ctx, "emit_derived_batch", port: port, needsInput: true) { c, fast, out in
                guard let batch else { return c.invalid("emit_derived_batch: batch is NULL") }
                if fieldCount > 0, let bad = SliceCheck.bytes("rows", rows, count, lengthName: "count") {
                    return c.invalid("emit_derived_batch: \(bad)")
                }
                if let indexes {
                    for k in 0..<Int(count) where UInt64(indexes[k]) >= batch.pointee.count {
                        return c.invalid("emit_derived_batch: record index \(indexes[k]) is outside the batch")
                    }
                } else if count > batch.pointee.count {
                    return c.invalid("emit_derived_batch: \(count) records but the batch has \(batch.pointee.count)")
                }
                guard count > 0 else { return RV_OK }
                guard Int(fieldCount) == out.schema.count else {
                    return c.invalid("emit_derived_batch: \(fieldCount) fields per row given but output port '\(out.name)' has \(out.schema.count)")
                }
                let base = rows ?? UnsafePointer(bitPattern: MemoryLayout<rv_field>.alignment)!
                // A map replacing its whole input, first thing in this call, on an input batch it holds
                // alone: rewrite that batch in place when process returns (no record copied). A row that
                // cannot be kept (a NULL pointer with a length) is left to the ordinary way below.
                if indexes == nil, fast.inputOffset == 0, fast.emissions == 1, fieldCount > 0, !out.hasPendingRecords,
                    try fast.input!._withUnsafeGuaranteedRef({ $0.count == Int(count) && $0.canRewriteInPlace(width: Int(fieldCount)) }),
                    c.deferRewrite(port: Int(port), rows: base, count: Int(count), width: Int(fieldCount))
                {
                    return RV_OK
                }
                let emitted = try fast.input!._withUnsafeGuaranteedRef {
                    try out.emitDerived(
                        from: $0, offset: fast.inputOffset, indexes: indexes, rows: base, count: Int(count),
                        fieldCount: Int(fieldCount))
                }
                guard emitted == Int(count) else {
                    let bad = SliceCheck.row(base + emitted * Int(fieldCount), count: Int(fieldCount), schema: out.schema) ?? "invalid row"
                    return c.invalid("emit_derived_batch: row \(emitted), \(bad) (the rows before it were emitted)")
                }
                return RV_OK
            }
        }
    }
}
