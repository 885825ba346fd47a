// KeyValueStore: a named store of byte keys and values with point reads, writes and ordered scans.

/// A state store as operators see it: keys and values are bytes; scans go in byte order of keys.
/// Writes are visible to reads at once; `commit()` makes them durable (the end of each record batch).
/// Used by one thread (its operator instance's task).
public protocol KeyValueStore: AnyObject {
    /// The store's name in the manifest (with `#i` for instance i of a parallel operator).
    var name: String { get }
    /// The value of `key`, or nil. The bytes are valid until the next call on this store.
    func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> UnsafeRawBufferPointer?
    /// Inserts or replaces (the store copies both).
    func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(StoreError)
    /// Removes `key` (nothing happens if absent).
    func delete(_ key: UnsafeRawBufferPointer) throws(StoreError)
    /// Keys in `[from, to)` (to nil: to the end), in byte order, with their values.
    func scan(from: [UInt8], to: [UInt8]?) throws(StoreError) -> StoreIterator
    /// Makes every write so far durable (a write batch, the changelog). Called per record batch.
    func commit() throws(StoreError)
    /// Whether the store holds no key (used to decide whether to restore from a changelog).
    var isEmpty: Bool { get }
    /// How many keys and bytes of keys and values the store holds (an estimate for RocksDB). Called by
    /// its own thread, at most about once a second (metrics).
    func approximateSize() -> (keys: Int64, bytes: Int64)
    /// Closes after a successful run (what is pending is committed by then).
    func close()
    /// Closes after a failed run, without making the batch in flight durable.
    func abandon()
}

/// A scan in progress.
public protocol StoreIterator: AnyObject {
    /// The next pair, or nil at the end; valid until the next call.
    func next() -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
    func close()
}

extension KeyValueStore {
    public func abandon() { close() }

    /// Every key starting with `prefix`, in byte order.
    public func scan(prefix: [UInt8]) throws(StoreError) -> StoreIterator {
        try scan(from: prefix, to: ByteOrder.successor(ofPrefix: prefix))
    }
}
