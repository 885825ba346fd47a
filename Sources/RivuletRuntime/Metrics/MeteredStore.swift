// MeteredStore: a state store wrapper that measures commits and publishes the store's size for metrics.
import RivuletCore
import RivuletState

/// Wraps the store an operator instance uses: every call goes straight through; `commit()` (once per
/// record batch: the store's durability point until checkpoints arrive) is timed, and about once a second
/// the store's size is read into gauges that other threads (metrics, `rivulet bench`) may read.
public final class MeteredStore: KeyValueStore {
    public let inner: KeyValueStore
    /// The operator the store belongs to.
    public let owner: String
    public let commits = MetricsCounter(name: "store_commits")
    public let commitNanoseconds = MetricsCounter(name: "store_commit_ns")
    public let keys = MetricsCounter(name: "store_keys")
    public let bytes = MetricsCounter(name: "store_bytes")
    private var lastSized: UInt64 = 0

    public init(_ inner: KeyValueStore, owner: String) {
        self.inner = inner
        self.owner = owner
    }

    public var name: String { inner.name }
    public var isEmpty: Bool { inner.isEmpty }
    public func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> UnsafeRawBufferPointer? { try inner.get(key) }
    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(StoreError) { try inner.put(key, value) }
    public func delete(_ key: UnsafeRawBufferPointer) throws(StoreError) { try inner.delete(key) }
    public func scan(from: [UInt8], to: [UInt8]?) throws(StoreError) -> StoreIterator { try inner.scan(from: from, to: to) }
    public func approximateSize() -> (keys: Int64, bytes: Int64) { inner.approximateSize() }

    public func commit() throws(StoreError) {
        let started = Clock.monotonicNanoseconds()
        try inner.commit()
        let now = Clock.monotonicNanoseconds()
        commits.add(1)
        commitNanoseconds.add(Int64(now - started))
        if now - lastSized >= 1_000_000_000 {
            lastSized = now
            publishSize()
        }
    }

    private func publishSize() {
        let size = inner.approximateSize()
        keys.set(size.keys)
        bytes.set(size.bytes)
    }

    public func close() {
        publishSize()
        inner.close()
    }

    public func abandon() {
        publishSize()
        inner.abandon()
    }
}
