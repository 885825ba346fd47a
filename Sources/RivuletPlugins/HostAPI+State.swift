// HostAPI+State: the services over an instance's state: stores and iterators, time and timers, counters.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletState

extension HostAPI {
    /// Stores: the ones the manifest lists for the operator (`stores:`), one per instance. They can be
    /// opened in create; they are readable once attached, before the first batch.
    static func fillStores(_ api: inout rv_host_api) {
        api.store_open = { ctx, name in
            guard let c = HostAPI.begin(ctx) else { return nil }
            guard let name else {
                c.fail(RV_INVALID, "store_open: name is NULL")
                return nil
            }
            let key = String(cString: name)
            guard let handle = c.stores[key] else {
                let attached = c.stores.keys.sorted()
                c.fail(
                    RV_NOT_FOUND,
                    "store_open: no store '\(key)' is attached to this operator (\(attached.isEmpty ? "the manifest lists none in its stores" : "attached: \(attached.joined(separator: ", "))"))"
                )
                return nil
            }
            return handle.opaque
        }
        api.store_get = { ctx, store, key, keyLength, value, valueLength in
            HostAPI.storeCall(ctx, store, "store_get") { c, s in
                if let bad = SliceCheck.bytes("key", key, keyLength) { return c.invalid("store_get: \(bad)") }
                // RV_NOT_FOUND is an answer, not a failure: last_error stays NULL.
                guard let found = try s.get(UnsafeRawBufferPointer(start: key, count: Int(keyLength))) else { return RV_NOT_FOUND }
                value?.pointee = found.baseAddress?.assumingMemoryBound(to: UInt8.self)
                valueLength?.pointee = UInt64(found.count)
                return RV_OK
            }
        }
        api.store_put = { ctx, store, key, keyLength, value, valueLength in
            HostAPI.storeCall(ctx, store, "store_put") { c, s in
                if let bad = SliceCheck.bytes("key", key, keyLength) ?? SliceCheck.bytes("value", value, valueLength) {
                    return c.invalid("store_put: \(bad)")
                }
                try s.put(UnsafeRawBufferPointer(start: key, count: Int(keyLength)), UnsafeRawBufferPointer(start: value, count: Int(valueLength)))
                return RV_OK
            }
        }
        api.store_delete = { ctx, store, key, keyLength in
            HostAPI.storeCall(ctx, store, "store_delete") { c, s in
                if let bad = SliceCheck.bytes("key", key, keyLength) { return c.invalid("store_delete: \(bad)") }
                try s.delete(UnsafeRawBufferPointer(start: key, count: Int(keyLength)))
                return RV_OK
            }
        }
        api.store_range = { ctx, store, from, fromLength, to, toLength in
            HostAPI.scan(ctx, store, "store_range") { c, s in
                if let bad = SliceCheck.bytes("from", from, fromLength) ?? SliceCheck.bytes("to", to, toLength) {
                    c.fail(RV_INVALID, "store_range: \(bad)")
                    return nil
                }
                return try s.scan(
                    from: Array(UnsafeRawBufferPointer(start: from, count: Int(fromLength))),
                    to: to.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(toLength))) })
            }
        }
        api.store_prefix = { ctx, store, prefix, prefixLength in
            HostAPI.scan(ctx, store, "store_prefix") { c, s in
                if let bad = SliceCheck.bytes("prefix", prefix, prefixLength) {
                    c.fail(RV_INVALID, "store_prefix: \(bad)")
                    return nil
                }
                return try s.scan(prefix: Array(UnsafeRawBufferPointer(start: prefix, count: Int(prefixLength))))
            }
        }
        api.iterator_next = { ctx, it, key, keyLength, value, valueLength in
            let c = HostAPI.begin(ctx)
            guard let handle = IteratorHandle.from(it) else {
                c?.fail(RV_INVALID, "iterator_next: the iterator is NULL (did store_range or store_prefix fail?)")
                return RV_INVALID
            }
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
    }

    static func fillTimeAndMetrics(_ api: inout rv_host_api) {
        api.current_watermark = { ctx in PluginContext.from(ctx)?.watermark ?? Int64.min }
        api.processing_time = { _ in Clock.nowMilliseconds() }
        api.timer_register = { ctx, domain, time, key, length in
            HostAPI.timer(ctx, domain, time, key, length, "timer_register") { $0.register(domain, time, $1) }
        }
        api.timer_delete = { ctx, domain, time, key, length in
            HostAPI.timer(ctx, domain, time, key, length, "timer_delete") { $0.delete(domain, time, $1) }
        }
        api.counter_register = { ctx, name in
            guard let c = HostAPI.begin(ctx) else { return nil }
            guard let name else {
                c.fail(RV_INVALID, "counter_register: name is NULL")
                return nil
            }
            let counter = c.counters.counter(named: String(cString: name))
            return OpaquePointer(Unmanaged.passUnretained(counter).toOpaque())
        }
        api.counter_add = { _, counter, delta in
            guard let counter else { return }
            Unmanaged<MetricsCounter>.fromOpaque(UnsafeRawPointer(counter)).takeUnretainedValue().add(delta)
        }
    }

    /// Shared checks of timer_register and timer_delete: an operator with on_timer, a known domain, a key
    /// that is not NULL with a length.
    static func timer(
        _ ctx: OpaquePointer?, _ domain: UInt32, _ time: Int64, _ key: UnsafePointer<UInt8>?, _ length: UInt64,
        _ name: String, _ body: (TimerService, [UInt8]) -> Void
    ) -> rv_status {
        guard let context = HostAPI.begin(ctx) else { return RV_INVALID }
        guard context.acceptsTimers else { return context.invalid("\(name): the operator has no on_timer callback") }
        guard TimerService.isValid(domain) else {
            return context.invalid("\(name): unknown time domain \(domain) (RV_TIME_EVENT or RV_TIME_PROCESSING)")
        }
        if let bad = SliceCheck.bytes("key", key, length) { return context.invalid("\(name): \(bad)") }
        if domain == RV_TIME_EVENT, let refusal = context.eventTimerRefusal {
            context.pendingFailure = OperatorFailure(node: context.nodeName, message: "\(name): \(refusal)")
            return context.fail(RV_FATAL, "\(name): \(refusal)")
        }
        let bytes = key.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? []
        body(context.timers, bytes)
        return RV_OK
    }

    /// A store service: finds the store, runs `body`, turns a StoreError into RV_FATAL with its message
    /// (the run then stops with that error once the callback returns).
    static func storeCall(
        _ ctx: OpaquePointer?, _ store: OpaquePointer?, _ name: String,
        _ body: (PluginContext, KeyValueStore) throws -> rv_status
    ) -> rv_status {
        guard let context = HostAPI.begin(ctx) else { return RV_INVALID }
        guard let handle = StoreHandle.from(store) else {
            return context.invalid("\(name): the store handle is NULL (did store_open fail?)")
        }
        guard let backing = handle.store else {
            return context.invalid(
                "\(name): store '\(handle.name)' is open but not readable yet: a store opened in create can be read and written from the first process, timer, watermark or flush callback on"
            )
        }
        do {
            return try body(context, backing)
        } catch {
            context.pendingFailure = OperatorFailure(node: context.nodeName, message: "\(error)")
            return context.fail(RV_FATAL, "\(name): \(error)")
        }
    }

    /// A scan service: the iterator is retained until iterator_close; NULL (with last_error) on failure.
    static func scan(
        _ ctx: OpaquePointer?, _ store: OpaquePointer?, _ name: String,
        _ body: (PluginContext, KeyValueStore) throws -> StoreIterator?
    ) -> OpaquePointer? {
        var result: OpaquePointer? = nil
        _ = storeCall(ctx, store, name) { c, s in
            guard let iterator = try body(c, s) else { return RV_INVALID }
            let handle = IteratorHandle(iterator: iterator)
            c.openIterators[ObjectIdentifier(handle)] = handle
            result = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
            return RV_OK
        }
        return result
    }
}
