// StoreHandle: what an rv_store* is: one operator instance's store, opened by name through the host API.
import RivuletState

/// The object behind an `rv_store *`: one store the manifest attaches to the instance (`stores:`). It
/// exists from before create — so that create can open it, as authors expect — but is bound to its
/// backing store only once the plan is complete (a RocksDB store needs its task's database): until then
/// reads and writes are refused with a message saying so. Kept alive by the context for as long as the
/// instance lives; passed to C unretained.
final class StoreHandle {
    let name: String
    /// The backing store; nil until the planner attaches it (after create).
    var store: KeyValueStore?
    init(name: String) { self.name = name }

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
