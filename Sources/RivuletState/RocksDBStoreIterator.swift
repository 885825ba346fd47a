// RocksDBStoreIterator: a RocksDB iterator over [from, to) of one column family (batch and database).
import CRocksDB

/// Owns a RocksDB iterator (destroyed on close or deinit). Keys and values are copied out, valid until
/// the next call.
final class RocksDBStoreIterator: StoreIterator {
    private var iterator: OpaquePointer?
    private let to: [UInt8]?
    private var started = false
    private let key = ReturnBuffer()
    private let value = ReturnBuffer()
    private let from: [UInt8]
    private let instance: RocksDBInstance

    init(iterator: OpaquePointer, from: [UInt8], to: [UInt8]?, instance: RocksDBInstance) {
        self.iterator = iterator
        self.from = from
        self.to = to
        self.instance = instance
        instance.openIterators += 1
    }

    func next() -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)? {
        guard let it = iterator else { return nil }
        if started {
            rocksdb_iter_next(it)
        } else {
            started = true
            from.withUnsafeBytes { rocksdb_iter_seek(it, $0.baseAddress?.assumingMemoryBound(to: CChar.self), from.count) }
        }
        guard rocksdb_iter_valid(it) != 0 else { return nil }
        var klen = 0, vlen = 0
        let k = UnsafeRawBufferPointer(start: rocksdb_iter_key(it, &klen), count: klen)
        if let to, !k.lexicographicallyPrecedes(to) { return nil }
        let v = UnsafeRawBufferPointer(start: rocksdb_iter_value(it, &vlen), count: vlen)
        return (key.hold(k), value.hold(v))
    }

    func close() {
        guard let it = iterator else { return }
        rocksdb_iter_destroy(it)
        iterator = nil
        instance.iteratorClosed()
    }

    deinit { close() }
}
