// RocksDBStore: a store kept in a column family of its task's RocksDB database, on disk.
import CRocksDB
import Foundation

/// Reads go through the shared write batch to the database (`get_from_batch_and_db`), so a store sees its
/// own uncommitted writes; scans merge the batch with a database iterator. `commit()` commits the whole
/// database's batch (all stores of the task: one atomic write per record batch).
public final class RocksDBStore: KeyValueStore {
    public let name: String
    let instance: RocksDBInstance
    let family: OpaquePointer
    private let returned = ReturnBuffer()

    public init(name: String, instance: RocksDBInstance) throws(StoreError) {
        self.name = name
        self.instance = instance
        family = try instance.family(name)
    }

    /// RocksDB's estimates for the column family: `rocksdb.estimate-num-keys` and
    /// `rocksdb.estimate-live-data-size` (committed data only).
    public func approximateSize() -> (keys: Int64, bytes: Int64) {
        func property(_ name: String) -> Int64 {
            guard let text = rocksdb_property_value_cf(instance.db, family, name) else { return 0 }
            defer { rocksdb_free(text) }
            return Int64(String(cString: text)) ?? 0
        }
        return (property("rocksdb.estimate-num-keys"), property("rocksdb.estimate-live-data-size"))
    }

    private func check(_ err: UnsafeMutablePointer<CChar>?, _ what: String) throws(StoreError) {
        guard let err else { return }
        defer { free(err) }
        throw StoreError(store: name, "\(what) failed: \(String(cString: err))")
    }

    public func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> UnsafeRawBufferPointer? {
        var err: UnsafeMutablePointer<CChar>? = nil
        var length = 0
        let value = rocksdb_writebatch_wi_get_from_batch_and_db_cf(
            instance.batch, instance.db, instance.readOptions, family,
            key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count, &length, &err)
        try check(err, "get")
        guard let value else { return nil }
        defer { free(value) }
        return returned.hold(UnsafeRawBufferPointer(start: value, count: length))
    }

    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(StoreError) {
        rocksdb_writebatch_wi_put_cf(
            instance.batch, family, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count,
            value.baseAddress?.assumingMemoryBound(to: CChar.self), value.count)
    }

    public func delete(_ key: UnsafeRawBufferPointer) throws(StoreError) {
        rocksdb_writebatch_wi_delete_cf(instance.batch, family, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count)
    }

    public func scan(from: [UInt8], to: [UInt8]?) throws(StoreError) -> StoreIterator {
        let base = rocksdb_create_iterator_cf(instance.db, instance.readOptions, family)
        let iterator = rocksdb_writebatch_wi_create_iterator_with_base_cf(instance.batch, base, family)!
        return RocksDBStoreIterator(iterator: iterator, from: from, to: to, instance: instance)
    }

    public var isEmpty: Bool {
        let it = rocksdb_create_iterator_cf(instance.db, instance.readOptions, family)!
        defer { rocksdb_iter_destroy(it) }
        rocksdb_iter_seek_to_first(it)
        return rocksdb_iter_valid(it) == 0
    }

    public func commit() throws(StoreError) {
        try instance.commit()
    }

    public func close() {}
}
