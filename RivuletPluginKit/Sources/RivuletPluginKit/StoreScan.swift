// StoreScan: an ordered scan of a store as a Swift sequence that closes its host iterator.
internal import CRivulet

/// The entries of a range or prefix scan, in byte order of keys: `for entry in try store.scan(prefix: p)`.
/// Single pass: the scan is its own iterator. It closes the host's iterator when it reaches the end, when
/// `close()` is called, or when it is dropped — whichever comes first — so breaking out of a loop leaks
/// nothing. Use it inside the callback that opened it. Each entry's key and value are copies.
public final class StoreScan: Sequence, IteratorProtocol {
    private let store: Store
    private var iterator: OpaquePointer?

    init(store: Store, iterator: OpaquePointer?, service: String) throws {
        guard let iterator else { throw HostStatus(status: RV_INVALID, service: service, api: store.api, ctx: store.ctx) }
        self.store = store
        self.iterator = iterator
    }

    /// The next entry, or nil at the end (the host iterator is closed then).
    public func next() -> StoreEntry? {
        guard let it = iterator else { return nil }
        var key: UnsafePointer<UInt8>? = nil, value: UnsafePointer<UInt8>? = nil
        var keyLength: UInt64 = 0, valueLength: UInt64 = 0
        guard store.api.pointee.iterator_next(store.ctx, it, &key, &keyLength, &value, &valueLength) == RV_OK else {
            close()
            return nil
        }
        return StoreEntry(
            key: Array(UnsafeRawBufferPointer(start: key, count: Int(keyLength))),
            value: Array(UnsafeRawBufferPointer(start: value, count: Int(valueLength))))
    }

    /// Closes the host iterator now (later `next()` calls return nil).
    public func close() {
        guard let it = iterator else { return }
        iterator = nil
        store.api.pointee.iterator_close(store.ctx, it)
    }

    deinit { close() }
}
