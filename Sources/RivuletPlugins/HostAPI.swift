// HostAPI: the rv_host_api table: the services plugins call, implemented over PluginContext.
import CRivulet
import Foundation
import RivuletCore
import RivuletState

/// The one host service table handed to every plugin callback. Built once, never freed, never changed.
/// Every slot of ABI 1.0 is filled (a test checks it); services the host does not implement yet answer
/// RV_UNSUPPORTED and say so through the context's error.
public enum HostAPI {
    /// The table plugins receive.
    public static var table: UnsafePointer<rv_host_api> { UnsafePointer(storage) }

    nonisolated(unsafe) private static let storage: UnsafeMutablePointer<rv_host_api> = {
        let p = UnsafeMutablePointer<rv_host_api>.allocate(capacity: 1)
        p.initialize(to: makeTable())
        return p
    }()

    /// The messages the host logs, also written to stderr (tests read them here).
    public static func write(level: UInt32, node: String, message: String) {
        let name = ["debug", "info", "warn", "error"][Int(min(level, 3))]
        FileHandle.standardError.write(Data("rivulet: [\(name)] \(node): \(message)\n".utf8))
    }

    private static func unsupported(_ ctx: OpaquePointer?, _ service: String) -> rv_status {
        PluginContext.from(ctx)?.record(
            error: RV_UNSUPPORTED, index: -1,
            message: "host service \(service) is not supported yet by this version of rivulet")
        return RV_UNSUPPORTED
    }

    /// The shared prologue of the emitting services: finds the context and the output port without any
    /// reference counting (both are kept alive by their owners for the whole callback), checks the port
    /// (and that a batch is being processed, for services that refer to it), and turns a host failure
    /// downstream into RV_FATAL, keeping the error for the host to rethrow once the plugin returns.
    @inline(__always)
    static func emitting(
        _ ctx: OpaquePointer?, _ service: String, port: UInt32, needsInput: Bool,
        _ body: (PluginContext, PluginContext.FastPath, OutputPort) throws -> rv_status
    ) -> rv_status {
        guard let ctx else { return RV_INVALID }
        return Unmanaged<PluginContext>.fromOpaque(UnsafeRawPointer(ctx))._withUnsafeGuaranteedRef { c in
            let fast = c.fast.pointee
            guard let outputs = fast.outputs, !needsInput || fast.input != nil else {
                return c.invalid("\(service): only valid during process")
            }
            guard Int(port) < fast.outputCount else { return c.invalid("\(service): no output port \(port)") }
            do {
                // Whatever was emitted before comes first: a deferred whole-batch rewrite is emitted now.
                if fast.pendingPort >= 0 { try c.materializeDeferredRewrite() }
                c.fast.pointee.emissions += 1
                return try outputs[Int(port)]._withUnsafeGuaranteedRef { try body(c, c.fast.pointee, $0) }
            } catch {
                c.pendingFailure = error
                return RV_FATAL
            }
        }
    }

    /// The ABI minor version this host offers: RV_ABI_MINOR, or an older one when the environment variable
    /// `RIVULET_HOST_ABI_MINOR` asks to emulate an older host (compatibility tests: the table then ends
    /// before the newer slots, and plugins declaring a newer minor are refused).
    public static let minor: UInt32 = {
        guard let text = ProcessInfo.processInfo.environment["RIVULET_HOST_ABI_MINOR"], let v = UInt32(text) else { return RV_ABI_MINOR }
        return min(v, RV_ABI_MINOR)
    }()

    private static func makeTable() -> rv_host_api {
        var api = rv_host_api()
        api.struct_size = UInt32(MemoryLayout<rv_host_api>.size)
        api.abi_major = RV_ABI_MAJOR
        api.abi_minor = minor

        api.log = { ctx, level, message in
            let node = PluginContext.from(ctx)?.nodeName ?? "plugin"
            HostAPI.write(level: level, node: node, message: message.map { String(cString: $0) } ?? "")
        }
        api.report_error = { ctx, code, index, message in
            PluginContext.from(ctx)?.record(
                error: code, index: index, message: message.map { String(cString: $0) } ?? "(no message)")
        }
        api.config_get = { ctx, key in
            guard let c = PluginContext.from(ctx), let key else { return nil }
            return UnsafePointer(c.configValues[String(cString: key)])
        }

        api.user_data = { ctx in PluginContext.from(ctx)?.userData }

        // Schemas
        api.input_field_index = { ctx, port, name in
            guard let c = PluginContext.from(ctx), Int(port) < c.inputSchemas.count, let name else { return -1 }
            return Int32(c.inputSchemas[Int(port)].index(of: String(cString: name)) ?? -1)
        }
        api.input_field_count = { ctx, port in
            guard let c = PluginContext.from(ctx), Int(port) < c.inputSchemas.count else { return 0 }
            return UInt32(c.inputSchemas[Int(port)].count)
        }
        api.input_field_def = { ctx, port, index, out in
            guard let c = PluginContext.from(ctx), let out, Int(port) < c.inputSchemas.count,
                Int(index) < c.inputSchemas[Int(port)].count
            else { return RV_NOT_FOUND }
            let f = c.inputSchemas[Int(port)].fields[Int(index)]
            out.pointee = rv_field_def(name: c.internedName(f.name), type: f.type.rawValue, reserved: 0)
            return RV_OK
        }
        api.output_schema_set = { ctx, port, fields, count in
            guard let c = PluginContext.from(ctx), Int(port) < c.outputs.count else { return RV_NOT_FOUND }
            guard c.isCreating else { return c.invalid("output_schema_set is only valid during create") }
            var schema = Schema()
            for i in 0..<Int(count) {
                guard let fields, let n = fields[i].name, let type = FieldType(rawValue: fields[i].type), type != .null else {
                    return c.invalid("output_schema_set: field \(i) has no name or an invalid type")
                }
                schema.append(FieldDefinition(name: String(cString: n), type: type))
            }
            c.outputs[Int(port)].setSchema(schema)
            return RV_OK
        }
        api.output_field_add = { ctx, port, name, type, indexOut in
            guard let c = PluginContext.from(ctx), Int(port) < c.outputs.count else { return RV_NOT_FOUND }
            guard c.isCreating else { return c.invalid("output_field_add is only valid during create") }
            guard let name, let t = FieldType(rawValue: type), t != .null else {
                return c.invalid("output_field_add: a name and a valid RV_TYPE_* are required")
            }
            var schema = c.outputs[Int(port)].schema
            let fieldName = String(cString: name)
            if schema.index(of: fieldName) != nil { return c.invalid("output_field_add: field '\(fieldName)' already exists") }
            let index = schema.append(FieldDefinition(name: fieldName, type: t))
            c.outputs[Int(port)].setSchema(schema)
            indexOut?.pointee = UInt32(index)
            return RV_OK
        }
        api.output_port_index = { ctx, name in
            guard let c = PluginContext.from(ctx), let name else { return -1 }
            return Int32(c.outputNames.firstIndex(of: String(cString: name)) ?? -1)
        }

        // Emitting: the per-record path. See `emitting(_:_:port:_:)`.
        api.emit = { ctx, port, record in
            HostAPI.emitting(ctx, "emit", port: port, needsInput: false) { c, fast, out in
                guard let record else { return c.invalid("emit: record is NULL") }
                guard try out.emit(copying: record) else {
                    return c.invalid("emit: the record has \(record.pointee.field_count) fields but output port '\(out.name)' has \(out.schema.count)")
                }
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
                guard let batch, count == 0 || indexes != nil else { return c.invalid("forward_selected: no batch or no indexes") }
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
                guard let fields = fields ?? (fieldCount == 0 ? UnsafePointer(bitPattern: MemoryLayout<rv_field>.alignment) : nil) else {
                    return c.invalid("emit_derived: fields is NULL")
                }
                let ok = try fast.input!._withUnsafeGuaranteedRef {
                    try out.emitDerived(from: $0, index: fast.inputOffset + Int(index), fields: fields, count: Int(fieldCount))
                }
                guard ok else { return c.invalid("emit_derived: \(fieldCount) fields given but output port '\(out.name)' has \(out.schema.count)") }
                return RV_OK
            }
        }

        api.emit_derived_batch = { ctx, port, batch, indexes, rows, count, fieldCount in
            HostAPI.emitting(ctx, "emit_derived_batch", port: port, needsInput: true) { c, fast, out in
                guard let batch else { return c.invalid("emit_derived_batch: no batch") }
                guard count == 0 || fieldCount == 0 || rows != nil else { return c.invalid("emit_derived_batch: rows is NULL") }
                if let indexes {
                    for k in 0..<Int(count) where UInt64(indexes[k]) >= batch.pointee.count {
                        return c.invalid("emit_derived_batch: record index \(indexes[k]) is outside the batch")
                    }
                } else if count > batch.pointee.count {
                    return c.invalid("emit_derived_batch: \(count) records but the batch has \(batch.pointee.count)")
                }
                guard count > 0 else { return RV_OK }
                let base = rows ?? UnsafePointer(bitPattern: MemoryLayout<rv_field>.alignment)!
                // A map replacing its whole input, first thing in this call, on an input batch it holds
                // alone: rewrite that batch in place when process returns (no record copied).
                if indexes == nil, fast.inputOffset == 0, fast.emissions == 1, fieldCount > 0, Int(fieldCount) == out.schema.count,
                   !out.hasPendingRecords,
                   try fast.input!._withUnsafeGuaranteedRef({ $0.count == Int(count) && $0.canRewriteInPlace(width: Int(fieldCount)) }) {
                    c.deferRewrite(port: Int(port), rows: base, count: Int(count), width: Int(fieldCount))
                    return RV_OK
                }
                let ok = try fast.input!._withUnsafeGuaranteedRef {
                    try out.emitDerived(from: $0, offset: fast.inputOffset, indexes: indexes, rows: base, count: Int(count),
                                        fieldCount: Int(fieldCount))
                }
                guard ok else { return c.invalid("emit_derived_batch: \(fieldCount) fields per row given but output port '\(out.name)' has \(out.schema.count)") }
                return RV_OK
            }
        }

        // State stores: the ones the manifest lists for the operator (`stores:`), one per instance. They can
        // be opened in create; they are readable once attached, before the first batch.
        api.store_open = { ctx, name in
            guard let c = PluginContext.from(ctx), let name else { return nil }
            let key = String(cString: name)
            guard let handle = c.stores[key] else {
                let attached = c.stores.keys.sorted()
                c.record(error: RV_NOT_FOUND, index: -1,
                         message: "store_open: no store '\(key)' is attached to this operator (\(attached.isEmpty ? "the manifest lists none in its stores" : "attached: \(attached.joined(separator: ", "))"))")
                return nil
            }
            return handle.opaque
        }
        api.store_get = { ctx, store, key, keyLength, value, valueLength in
            HostAPI.storeCall(ctx, store, "store_get") { s in
                guard let found = try s.get(UnsafeRawBufferPointer(start: key, count: Int(keyLength))) else { return RV_NOT_FOUND }
                value?.pointee = found.baseAddress?.assumingMemoryBound(to: UInt8.self)
                valueLength?.pointee = UInt64(found.count)
                return RV_OK
            }
        }
        api.store_put = { ctx, store, key, keyLength, value, valueLength in
            HostAPI.storeCall(ctx, store, "store_put") { s in
                try s.put(UnsafeRawBufferPointer(start: key, count: Int(keyLength)), UnsafeRawBufferPointer(start: value, count: Int(valueLength)))
                return RV_OK
            }
        }
        api.store_delete = { ctx, store, key, keyLength in
            HostAPI.storeCall(ctx, store, "store_delete") { s in
                try s.delete(UnsafeRawBufferPointer(start: key, count: Int(keyLength)))
                return RV_OK
            }
        }
        api.store_range = { ctx, store, from, fromLength, to, toLength in
            HostAPI.scan(ctx, store, "store_range") { s in
                try s.scan(from: Array(UnsafeRawBufferPointer(start: from, count: Int(fromLength))),
                           to: to.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(toLength))) })
            }
        }
        api.store_prefix = { ctx, store, prefix, prefixLength in
            HostAPI.scan(ctx, store, "store_prefix") { s in
                try s.scan(prefix: Array(UnsafeRawBufferPointer(start: prefix, count: Int(prefixLength))))
            }
        }
        api.iterator_next = { ctx, it, key, keyLength, value, valueLength in
            guard let handle = IteratorHandle.from(it) else { return RV_INVALID }
            guard let pair = handle.iterator.next() else { return RV_NOT_FOUND }
            key?.pointee = pair.key.baseAddress?.assumingMemoryBound(to: UInt8.self)
            keyLength?.pointee = UInt64(pair.key.count)
            value?.pointee = pair.value.baseAddress?.assumingMemoryBound(to: UInt8.self)
            valueLength?.pointee = UInt64(pair.value.count)
            return RV_OK
        }
        api.iterator_close = { ctx, it in
            guard let it, let handle = IteratorHandle.from(it) else { return }
            handle.iterator.close()
            PluginContext.from(ctx)?.openIterators[ObjectIdentifier(handle)] = nil
            Unmanaged<IteratorHandle>.fromOpaque(UnsafeRawPointer(it)).release()
        }

        // Time
        api.current_watermark = { ctx in PluginContext.from(ctx)?.watermark ?? Int64.min }
        api.processing_time = { _ in Clock.nowMilliseconds() }
        api.timer_register = { ctx, domain, time, key, length in
            HostAPI.timer(ctx, domain, time, key, length, "timer_register") { $0.register(domain, time, $1) }
        }
        api.timer_delete = { ctx, domain, time, key, length in
            HostAPI.timer(ctx, domain, time, key, length, "timer_delete") { $0.delete(domain, time, $1) }
        }

        // Metrics
        api.counter_register = { ctx, name in
            guard let c = PluginContext.from(ctx), let name else { return nil }
            let counter = c.counters.counter(named: String(cString: name))
            return OpaquePointer(Unmanaged.passUnretained(counter).toOpaque())
        }
        api.counter_add = { _, counter, delta in
            guard let counter else { return }
            Unmanaged<MetricsCounter>.fromOpaque(UnsafeRawPointer(counter)).takeUnretainedValue().add(delta)
        }
        if minor == 0 {
            // A 1.0 host's table ends before the 1.1 slots.
            api.emit_derived_batch = nil
            api.struct_size = UInt32(MemoryLayout<rv_host_api>.offset(of: \rv_host_api.emit_derived_batch)!)
        }
        return api
    }
}

extension PluginContext {
    func invalid(_ message: String) -> rv_status {
        record(error: RV_INVALID, index: -1, message: message)
        return RV_INVALID
    }

    /// A NUL-terminated copy of `name` that lives as long as the context (for rv_field_def.name).
    func internedName(_ name: String) -> UnsafePointer<CChar> {
        let key = "\u{1}field:" + name
        if let p = configValues[key] { return UnsafePointer(p) }
        let p = strdup(name)!
        configValues[key] = p
        return UnsafePointer(p)
    }
}

extension HostAPI {
    /// Shared checks of timer_register and timer_delete: an operator with on_timer, a known domain.
    static func timer(_ ctx: OpaquePointer?, _ domain: UInt32, _ time: Int64, _ key: UnsafePointer<UInt8>?, _ length: UInt64,
                      _ name: String, _ body: (TimerService, [UInt8]) -> Void) -> rv_status
    {
        guard let context = PluginContext.from(ctx) else { return RV_INVALID }
        guard context.acceptsTimers else {
            context.record(error: RV_INVALID, index: -1, message: "\(name): the operator has no on_timer callback")
            return RV_INVALID
        }
        guard TimerService.isValid(domain) else {
            context.record(error: RV_INVALID, index: -1, message: "\(name): unknown time domain \(domain) (RV_TIME_EVENT or RV_TIME_PROCESSING)")
            return RV_INVALID
        }
        let bytes = key.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? []
        body(context.timers, bytes)
        return RV_OK
    }

    /// A store service: finds the store, runs `body`, turns a StoreError into RV_FATAL with its message.
    static func storeCall(_ ctx: OpaquePointer?, _ store: OpaquePointer?, _ name: String,
                          _ body: (KeyValueStore) throws -> rv_status) -> rv_status {
        guard let context = PluginContext.from(ctx) else { return RV_INVALID }
        guard let handle = StoreHandle.from(store) else {
            context.record(error: RV_INVALID, index: -1, message: "\(name): the store handle is NULL (did store_open fail?)")
            return RV_INVALID
        }
        guard let store = handle.store else {
            context.record(error: RV_INVALID, index: -1,
                           message: "\(name): store '\(handle.name)' is open but not readable yet: a store opened in create can be read and written from the first process, timer, watermark or flush callback on")
            return RV_INVALID
        }
        do {
            return try body(store)
        } catch {
            context.record(error: RV_FATAL, index: -1, message: "\(error)")
            context.pendingFailure = OperatorFailure(node: context.nodeName, message: "\(error)")
            return RV_FATAL
        }
    }

    /// A scan service: the iterator is retained until iterator_close; NULL (with the error) on failure.
    static func scan(_ ctx: OpaquePointer?, _ store: OpaquePointer?, _ name: String,
                     _ body: (KeyValueStore) throws -> StoreIterator) -> OpaquePointer? {
        var result: OpaquePointer? = nil
        _ = storeCall(ctx, store, name) { s in
            let handle = IteratorHandle(iterator: try body(s))
            PluginContext.from(ctx)?.openIterators[ObjectIdentifier(handle)] = handle
            result = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
            return RV_OK
        }
        return result
    }
}
