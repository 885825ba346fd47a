// Store: a state store the manifest attaches to the operator: get/put/delete and ordered scans, Swift-typed.
internal import CRivulet

/// A keyed state store owned by the host (memory or RocksDB, optionally with a changelog: the manifest
/// decides). Keys and values are bytes, passed as any `Collection<UInt8>` — `[UInt8]`, `"user-7".utf8`,
/// `record.key`, a `bytes(_:)` field — without a copy when they are contiguous. Writes are visible to
/// reads at once and become durable together at the end of each batch.
///
/// Open it once, in `init(context:)`, with `context.store("name")`. In `init(context:)` the store is
/// only opened: reads and writes work from the first `process` (or other) callback on.
///
/// Values read come back as copies (`get` → `[UInt8]`), as a fixed-width value (`get(_:as:)`, written by
/// `put(_:value:)` in the machine's byte order), or borrowed for the duration of a closure
/// (`withValue(forKey:_:)`, no copy). Scans are sequences that close their host iterator when they end
/// or are dropped.
public final class Store {
    let api: UnsafePointer<rv_host_api>
    let ctx: OpaquePointer
    let handle: OpaquePointer
    /// The store's name in the manifest.
    public let name: String

    init(api: UnsafePointer<rv_host_api>, ctx: OpaquePointer, handle: OpaquePointer, name: String) {
        self.api = api
        self.ctx = ctx
        self.handle = handle
        self.name = name
    }

    /// Calls `body` with the value of `key` borrowed from the host (nil when absent); no copy. The bytes are
    /// valid only inside `body`.
    public func withValue<R>(forKey key: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer?) throws -> R) throws -> R {
        var value: UnsafePointer<UInt8>? = nil
        var length: UInt64 = 0
        let status = withBytes(of: key) { api.pointee.store_get(ctx, handle, $0.baseAddress, UInt64($0.count), &value, &length) }
        switch status {
        case RV_OK: return try body(UnsafeRawBufferPointer(start: value, count: Int(length)))
        case RV_NOT_FOUND: return try body(nil)
        default: throw HostStatus(status: status, service: "store_get", api: api, ctx: ctx)
        }
    }

    /// The value of `key`, copied; nil when absent.
    public func get(_ key: some Collection<UInt8>) throws -> [UInt8]? {
        try withValue(forKey: key) { $0.map(Array.init) }
    }

    /// The value of `key` as a UTF-8 string; nil when absent.
    public func string(forKey key: some Collection<UInt8>) throws -> String? {
        try withValue(forKey: key) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The value of `key` as a `T` written by `put(_:value:)`; nil when absent or not `T`'s size.
    public func get<T: BitwiseCopyable>(_ key: some Collection<UInt8>, as type: T.Type) throws -> T? {
        try withValue(forKey: key) { bytes in
            guard let bytes, bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.loadUnaligned(as: T.self)
        }
    }

    /// Inserts or replaces the value of `key` (the host copies both).
    public func put(_ key: some Collection<UInt8>, _ value: some Collection<UInt8>) throws {
        let status = withBytes(of: key) { k in
            withBytes(of: value) { v in api.pointee.store_put(ctx, handle, k.baseAddress, UInt64(k.count), v.baseAddress, UInt64(v.count)) }
        }
        guard status == RV_OK else { throw HostStatus(status: status, service: "store_put", api: api, ctx: ctx) }
    }

    /// Stores a fixed-width value (an integer, a double, a struct of them) in the machine's byte order.
    public func put<T: BitwiseCopyable>(_ key: some Collection<UInt8>, value: T) throws {
        try withUnsafeBytes(of: value) { try put(key, $0) }
    }

    /// Removes `key` (nothing happens if it is absent).
    public func delete(_ key: some Collection<UInt8>) throws {
        let status = withBytes(of: key) { api.pointee.store_delete(ctx, handle, $0.baseAddress, UInt64($0.count)) }
        guard status == RV_OK else { throw HostStatus(status: status, service: "store_delete", api: api, ctx: ctx) }
    }

    /// The entries whose keys are in `[from, to)`, in byte order of keys.
    public func scan(from: some Collection<UInt8>, to: some Collection<UInt8>) throws -> StoreScan {
        let it = withBytes(of: from) { f in
            withBytes(of: to) { t in
                // A non-NULL `to` even when empty: NULL means "to the end".
                api.pointee.store_range(ctx, handle, f.baseAddress, UInt64(f.count), t.baseAddress ?? UnsafePointer(bitPattern: 1), UInt64(t.count))
            }
        }
        return try StoreScan(store: self, iterator: it, service: "store_range")
    }

    /// The entries whose keys are `from` or after, in byte order of keys.
    public func scan(from: some Collection<UInt8>) throws -> StoreScan {
        let it = withBytes(of: from) { api.pointee.store_range(ctx, handle, $0.baseAddress, UInt64($0.count), nil, 0) }
        return try StoreScan(store: self, iterator: it, service: "store_range")
    }

    /// The entries whose keys start with `prefix`, in byte order of keys.
    public func scan(prefix: some Collection<UInt8>) throws -> StoreScan {
        let it = withBytes(of: prefix) { api.pointee.store_prefix(ctx, handle, $0.baseAddress, UInt64($0.count)) }
        return try StoreScan(store: self, iterator: it, service: "store_prefix")
    }
}
