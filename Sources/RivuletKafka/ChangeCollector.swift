// ChangeCollector: a store that remembers, per key, its latest change since the last barrier.
import RivuletState

/// Wraps a store: reads go to it; puts and deletes go to it and are remembered per key (the latest value,
/// nil for a delete) until `take` hands them over at a barrier (`PartitionStoreChangelog.seal`). Used by
/// one operator instance's thread.
public final class ChangeCollector: KeyValueStore {
    public let inner: KeyValueStore
    private var changes: [[UInt8]: [UInt8]?] = [:]

    public init(_ inner: KeyValueStore) {
        self.inner = inner
    }

    public var name: String { inner.name }
    public var isEmpty: Bool { inner.isEmpty }

    public func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> UnsafeRawBufferPointer? { try inner.get(key) }

    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(StoreError) {
        try inner.put(key, value)
        changes[Array(key)] = .some(Array(value))
    }

    public func delete(_ key: UnsafeRawBufferPointer) throws(StoreError) {
        try inner.delete(key)
        changes[Array(key)] = .some(nil)
    }

    public func scan(from: [UInt8], to: [UInt8]?) throws(StoreError) -> StoreIterator { try inner.scan(from: from, to: to) }
    public func commit() throws(StoreError) { try inner.commit() }
    public func approximateSize() -> (keys: Int64, bytes: Int64) { inner.approximateSize() }
    public func close() { inner.close() }
    public func abandon() { inner.abandon() }

    /// The changes since the last `take`, per key.
    public func take() -> [[UInt8]: [UInt8]?] {
        defer { changes = [:] }
        return changes
    }
}
