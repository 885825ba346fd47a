// MemoryStoreIterator: a scan over a snapshot of a memory store's keys in range.

/// Walks the keys a scan selected, skipping any deleted since; values are the current ones.
final class MemoryStoreIterator: StoreIterator {
    private let keys: [[UInt8]]
    private let store: MemoryStore
    private var index = 0
    private let key = ReturnBuffer()
    private let value = ReturnBuffer()

    init(keys: [[UInt8]], store: MemoryStore) {
        self.keys = keys
        self.store = store
    }

    func next() -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)? {
        while index < keys.count {
            let k = keys[index]
            index += 1
            guard let v = store.value(of: k) else { continue }
            return (key.hold(k), value.hold(v))
        }
        return nil
    }

    func close() {}
}
