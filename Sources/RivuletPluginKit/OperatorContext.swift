// OperatorContext: a Swift plugin's safe handle on the host services of rivulet.h.
import Foundation

/// The host, as one operator instance sees it. Wraps the `rv_host_api` table and the instance's
/// `rv_context`; valid inside callbacks only, on the calling thread (the threading contract of rivulet.h).
public final class OperatorContext {
    public let api: UnsafePointer<rv_host_api>
    public let ctx: OpaquePointer
    /// Per-record state behind a `let` pointer (no exclusivity checks per record): the batch of the
    /// current process call (for `forward`), a field row for emitted records, and scratch bytes for
    /// replaced string values. Owned by this context; `row`/`scratch` grow, never shrink.
    struct Scratch {
        var currentBatch: UnsafePointer<rv_batch>?
        var row: UnsafeMutablePointer<rv_field>
        var rowCapacity: Int
        var bytes: UnsafeMutableRawPointer
        var bytesCapacity: Int
    }

    let state: UnsafeMutablePointer<Scratch>

    var currentBatch: UnsafePointer<rv_batch>? {
        get { state.pointee.currentBatch }
        set { state.pointee.currentBatch = newValue }
    }

    private var row: UnsafeMutablePointer<rv_field> { state.pointee.row }

    init(api: UnsafePointer<rv_host_api>, ctx: OpaquePointer) {
        self.api = api
        self.ctx = ctx
        state = .allocate(capacity: 1)
        state.initialize(to: Scratch(currentBatch: nil, row: .allocate(capacity: 16), rowCapacity: 16,
                                     bytes: .allocate(byteCount: 256, alignment: 8), bytesCapacity: 256))
    }

    deinit {
        state.pointee.row.deallocate()
        state.pointee.bytes.deallocate()
        state.deallocate()
    }

    /// Makes the field row hold at least `count` fields.
    private func reserveRow(_ count: Int) {
        if count > state.pointee.rowCapacity {
            state.pointee.row.deallocate()
            state.pointee.row = .allocate(capacity: count)
            state.pointee.rowCapacity = count
        }
    }

    // MARK: Configuration and schemas

    /// The config value for `key`, as written in the manifest (nested keys are dotted: `rates.USD`).
    public func config(_ key: String) -> String? {
        api.pointee.config_get(ctx, key).map { String(cString: $0) }
    }

    /// The index of input field `name` on `port`, or nil.
    public func inputField(_ name: String, port: Int = 0) -> Int? {
        let i = api.pointee.input_field_index(ctx, UInt32(port), name)
        return i >= 0 ? Int(i) : nil
    }

    /// The fields of input `port`, in order.
    public func inputFields(port: Int = 0) -> [(name: String, kind: FieldKind)] {
        let n = api.pointee.input_field_count(ctx, UInt32(port))
        return (0..<n).map { i in
            var def = rv_field_def()
            _ = api.pointee.input_field_def(ctx, UInt32(port), i, &def)
            return (String(cString: def.name), FieldKind(rawValue: def.type) ?? .null)
        }
    }

    /// The type of input field `index` on `port`.
    public func inputKind(_ index: Int, port: Int = 0) -> FieldKind {
        var def = rv_field_def()
        _ = api.pointee.input_field_def(ctx, UInt32(port), UInt32(index), &def)
        return FieldKind(rawValue: def.type) ?? .null
    }

    /// Appends a field to output `port`'s schema (during init); returns its index.
    public func addOutputField(_ name: String, _ kind: FieldKind, port: Int = 0) throws -> Int {
        var index: UInt32 = 0
        try check(api.pointee.output_field_add(ctx, UInt32(port), name, kind.rawValue, &index))
        return Int(index)
    }

    /// Replaces output `port`'s schema (during init).
    public func setOutputFields(_ fields: [(name: String, kind: FieldKind)], port: Int = 0) throws {
        let names = fields.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        let defs = zip(names, fields).map { rv_field_def(name: UnsafePointer($0.0), type: $0.1.kind.rawValue, reserved: 0) }
        try check(api.pointee.output_schema_set(ctx, UInt32(port), defs, UInt32(defs.count)))
    }

    // MARK: Emitting

    /// Emits `record` unchanged to output `port` (no copy; the port must have the input's schema).
    public func forward(_ record: Record, port: Int = 0) throws {
        try check(api.pointee.forward(ctx, UInt32(port), currentBatch, UInt64(record.index)))
    }

    /// Emits `record` with some fields set, to output `port` whose schema has `fieldCount` fields: fields
    /// the input has are kept, fields past them start NULL, then `changes` apply. Unchanged string fields
    /// are shared with the input by the host; changed ones are copied.
    public func emit(_ record: Record, port: Int = 0, fieldCount: Int, changes: [(Int, FieldValue)]) throws {
        reserveRow(fieldCount)
        let kept = min(fieldCount, record.fieldCount)
        if kept > 0 { row.update(from: record.raw.pointee.fields, count: kept) }
        for i in kept..<fieldCount { row[i] = rv_field() }
        write(changes)
        try check(api.pointee.emit_derived(ctx, UInt32(port), currentBatch, UInt64(record.index), row, UInt32(fieldCount)))
    }

    /// Emits a new record (not derived from an input: from `onTimer`, `flush`, or aggregating operators)
    /// to output `port`, whose schema must have `fields.count` fields. Its key and event time are given;
    /// the host copies everything.
    public func emit(fields: [FieldValue], key: [UInt8] = [], timestamp: Int64, port: Int = 0) throws {
        reserveRow(fields.count)
        write(fields.enumerated().map { ($0.offset, $0.element) })
        try key.withUnsafeBufferPointer { keyBytes in
            var record = rv_record()
            record.key = keyBytes.baseAddress
            record.key_len = UInt64(keyBytes.count)
            record.fields = UnsafePointer(row)
            record.field_count = UInt32(fields.count)
            record.timestamp = timestamp
            record.op = RV_OP_INSERT
            // No source position: a new record does not come from one (partition -1, as the ABI says).
            record.partition = -1
            record.offset = -1
            try check(api.pointee.emit(ctx, UInt32(port), &record))
        }
    }

    /// Sets `row[index]` for each change; string and bytes values are copied to `scratch`, sized first so
    /// no pointer moves while a record is being emitted.
    private func write(_ changes: [(Int, FieldValue)]) {
        let needed = changes.reduce(0) { total, change in
            switch change.1 {
            case .string(let s): total + s.utf8.count
            case .bytes(let b): total + b.count
            default: total
            }
        }
        if needed > state.pointee.bytesCapacity {
            state.pointee.bytes.deallocate()
            state.pointee.bytesCapacity = max(needed, state.pointee.bytesCapacity * 2)
            state.pointee.bytes = .allocate(byteCount: state.pointee.bytesCapacity, alignment: 8)
        }
        let scratch = state.pointee.bytes
        var offset = 0
        for (index, value) in changes {
            var f = rv_field()
            switch value {
            case .null: break
            case .int(let v): f.type = FieldKind.i64.rawValue; f.value.i64 = v
            case .double(let v): f.type = FieldKind.f64.rawValue; f.value.f64 = v
            case .bool(let v): f.type = FieldKind.bool.rawValue; f.value.i64 = v ? 1 : 0
            case .timestamp(let v): f.type = FieldKind.timestamp.rawValue; f.value.i64 = v
            case .string(var s):
                f.type = FieldKind.string.rawValue
                f.len = UInt32(s.utf8.count)
                s.withUTF8 { if let base = $0.baseAddress { (scratch + offset).copyMemory(from: base, byteCount: $0.count) } }
                f.value.ptr = UnsafePointer((scratch + offset).assumingMemoryBound(to: UInt8.self))
                offset += Int(f.len)
            case .bytes(let b):
                f.type = FieldKind.bytes.rawValue
                f.len = UInt32(b.count)
                b.withUnsafeBytes { if let base = $0.baseAddress { (scratch + offset).copyMemory(from: base, byteCount: $0.count) } }
                f.value.ptr = UnsafePointer((scratch + offset).assumingMemoryBound(to: UInt8.self))
                offset += b.count
            }
            row[index] = f
        }
    }

    // MARK: Time and timers

    /// The instance's event-time watermark (ms), Int64.min before the first one.
    public var watermark: Int64 { api.pointee.current_watermark(ctx) }

    /// The host's processing-time clock (ms since the epoch).
    public var processingTime: Int64 { api.pointee.processing_time(ctx) }

    /// Asks for `onTimer` when `domain`'s time reaches `time`, for `key` (registering the same timer twice
    /// is one timer). Event-time timers fire as the watermark passes them; processing-time ones on the clock.
    public func registerTimer(_ domain: TimeDomain, at time: Int64, key: [UInt8] = []) throws {
        try key.withUnsafeBufferPointer { try check(api.pointee.timer_register(ctx, domain.rawValue, time, $0.baseAddress, UInt64($0.count))) }
    }

    /// Removes a timer registered with the same arguments (nothing happens if there is none).
    public func deleteTimer(_ domain: TimeDomain, at time: Int64, key: [UInt8] = []) throws {
        try key.withUnsafeBufferPointer { try check(api.pointee.timer_delete(ctx, domain.rawValue, time, $0.baseAddress, UInt64($0.count))) }
    }

    /// Whether the host has `emit_derived_batch` (ABI 1.1): a 1.0 host's table ends before it.
    var hostEmitsBatches: Bool {
        let end = MemoryLayout<rv_host_api>.offset(of: \rv_host_api.emit_derived_batch)! + MemoryLayout<UnsafeRawPointer>.size
        return Int(api.pointee.struct_size) >= end && api.pointee.emit_derived_batch != nil
    }

    /// Emits every record of `batch` made of its fields at `sources`, in that order, to output `port`: one
    /// host call for the whole batch (`emit_derived_batch`; one per record with a 1.0 host). No bytes are
    /// copied: the host shares the input's. The fastest way to write a projection or a map in Swift.
    public func emit(_ batch: Batch, port: Int = 0, selecting sources: [Int]) throws {
        let n = batch.count, width = sources.count
        guard n > 0 else { return }
        guard hostEmitsBatches else {
            for i in 0..<n { try emit(batch[i], port: port, selecting: sources) }
            return
        }
        reserveRow(max(1, n * width))
        let rows = self.row
        try sources.withUnsafeBufferPointer { picked in
            for i in 0..<n {
                let fields = batch[i].raw.pointee.fields!
                let row = rows + i * width
                for k in 0..<width { row[k] = fields[picked[k]] }
            }
            try check(api.pointee.emit_derived_batch(ctx, UInt32(port), currentBatch, nil, rows, UInt64(n), UInt32(width)))
        }
    }

    /// Emits a record made of `record`'s fields at `sources`, in that order, to output `port` (whose schema
    /// must be those fields). No bytes are copied: the host shares the input's.
    public func emit(_ record: Record, port: Int = 0, selecting sources: [Int]) throws {
        reserveRow(sources.count)
        let row = self.row
        for (i, s) in sources.enumerated() { row[i] = record.raw.pointee.fields[s] }
        try check(api.pointee.emit_derived(ctx, UInt32(port), currentBatch, UInt64(record.index), row, UInt32(sources.count)))
    }

    // MARK: Diagnostics and metrics

    public enum LogLevel: UInt32 { case debug = 0, info, warn, error }

    public func log(_ message: String, level: LogLevel = .info) {
        api.pointee.log(ctx, level.rawValue, message)
    }

    /// Adds to the instance's counter `name` (created on first use).
    public func count(_ name: String, by delta: Int64 = 1) {
        let counter = api.pointee.counter_register(ctx, name)
        api.pointee.counter_add(ctx, counter, delta)
    }

    func check(_ status: rv_status) throws {
        guard status == RV_OK else { throw HostStatus(status: status) }
    }
}

/// A host service answered something other than RV_OK; the SDK passes it back to the host as the
/// callback's status (RV_FATAL when the host said so).
public struct HostStatus: Error {
    public let status: rv_status
}
