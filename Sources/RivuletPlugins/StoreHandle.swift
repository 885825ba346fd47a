// StoreHandle: what an rv_store* is: one operator instance's store, opened by name through the host API.
import RivuletState

/// The object behind an `rv_store *`: the store and the instance's context (errors are reported there).
/// Kept alive by the context for as long as the instance lives; passed to C unretained.
final class StoreHandle {
    let store: KeyValueStore
    init(store: KeyValueStore) { self.store = store }

    var opaque: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ p: OpaquePointer?) -> StoreHandle? {
        p.map { Unmanaged<StoreHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// The object behind an `rv_iterator *`: a scan, retained from store_range/store_prefix until
/// iterator_close (the plugin must close every iterator; the context closes forgotten ones at destroy).
final class IteratorHandle {
    let iterator: StoreIterator
    init(iterator: StoreIterator) { self.iterator = iterator }

    static func from(_ p: OpaquePointer?) -> IteratorHandle? {
        p.map { Unmanaged<IteratorHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}
