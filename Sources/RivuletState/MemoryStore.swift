// MemoryStore: an in-memory store with a byte budget; exceeding it is an error naming the store.
import Foundation

/// A hash map of keys to values plus a lazily sorted key list for scans. Its size is counted as the
/// bytes of keys and values plus `entryOverhead` per entry; a write that would take it past `budget`
/// fails with a message naming the store and the budget (never an out-of-memory crash).
public final class MemoryStore: KeyValueStore {
    public let name: String
    public let budget: Int
    /// Bytes counted per entry beside its key and value (hash table slot, array headers).
    public static let entryOverhead = 64
    private var entries: [ByteKey: [UInt8]] = [:]
    private var sortedKeys: [[UInt8]] = []
    private var sorted = true
    private var deletedSinceSort = 0
    public private(set) var bytes = 0
    /// The last value handed out by `get` (its bytes stay valid until the next call).
    private let returned = ReturnBuffer()

    public init(name: String, budget: Int) {
        self.name = name
        self.budget = budget
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> UnsafeRawBufferPointer? {
        guard let value = entries[ByteKey(key)] else { return nil }
        return returned.hold(value)
    }

    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(StoreError) {
        let k = ByteKey(key)
        let old = entries[k]
        let delta = value.count - (old?.count ?? -(k.bytes.count + Self.entryOverhead))
        if bytes + delta > budget {
            throw StoreError(store: name, "memory budget of \(Self.format(budget)) exceeded (\(Self.format(bytes)) in \(entries.count) entries, writing \(k.bytes.count + value.count) bytes); raise its `budget` or use `type: rocksdb`")
        }
        entries[k] = Array(value)
        bytes += delta
        if old == nil {
            sortedKeys.append(k.bytes)
            sorted = false
        }
    }

    public func delete(_ key: UnsafeRawBufferPointer) throws(StoreError) {
        let k = ByteKey(key)
        guard let old = entries.removeValue(forKey: k) else { return }
        bytes -= k.bytes.count + old.count + Self.entryOverhead
        // The sorted key list drops it lazily: scans skip keys no longer in `entries`.
        deletedSinceSort += 1
        if deletedSinceSort > max(1024, sortedKeys.count / 2) {
            sortedKeys.removeAll { entries[ByteKey($0)] == nil }
            deletedSinceSort = 0
        }
    }

    public func scan(from: [UInt8], to: [UInt8]?) throws(StoreError) -> StoreIterator {
        if !sorted {
            sortedKeys.sort { $0.lexicographicallyPrecedes($1) }
            // A key deleted and put again appears twice (deletions leave the list lazily): keep one.
            var unique: [[UInt8]] = []
            unique.reserveCapacity(sortedKeys.count)
            for k in sortedKeys where unique.last != k { unique.append(k) }
            sortedKeys = unique
            sorted = true
        }
        var low = 0, high = sortedKeys.count
        while low < high {
            let mid = (low + high) / 2
            if sortedKeys[mid].lexicographicallyPrecedes(from) { low = mid + 1 } else { high = mid }
        }
        var keys: [[UInt8]] = []
        var i = low
        while i < sortedKeys.count, to.map({ sortedKeys[i].lexicographicallyPrecedes($0) }) ?? true {
            keys.append(sortedKeys[i])
            i += 1
        }
        // A snapshot of the keys in range; values are read as the scan goes.
        return MemoryStoreIterator(keys: keys, store: self)
    }

    func value(of key: [UInt8]) -> [UInt8]? { entries[ByteKey(key)] }

    public func commit() throws(StoreError) {}
    public func close() {}

    static func format(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(bytes) bytes"
    }
}
