// MemoryStore: an in-memory store with a byte budget; exceeding it is an error naming the store.
import Foundation
import RivuletHashing

/// A hash map of keys to values plus a lazily sorted key list for scans. Its size is counted as the
/// bytes of keys and values plus `entryOverhead` per entry; a write that would take it past `budget`
/// fails with a message naming the store and the budget (never an out-of-memory crash).
public final class MemoryStore: KeyValueStore {
    public let name: String
    public let budget: Int
    /// Bytes counted per entry beside its key and value (hash table slot, array headers).
    public static let entryOverhead = 64
    /// Entries in slots chained by FNV-1a hash: a lookup hashes the caller's bytes in place and compares
    /// them with memcmp — no allocation per read.
    private var heads: [UInt64: Int32] = [:]
    private var slotKeys: [[UInt8]] = []
    private var slotValues: [[UInt8]] = []
    private var slotNext: [Int32] = []
    private var slotHash: [UInt64] = []
    private var freeSlots: [Int32] = []
    public private(set) var count = 0
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

    public var isEmpty: Bool { count == 0 }

    /// Keys held, and the bytes counted against the budget (keys, values and a fixed overhead per entry).
    public func approximateSize() -> (keys: Int64, bytes: Int64) { (Int64(count), Int64(bytes)) }

    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        FNV1a.hash(key)
    }

    @inline(__always)
    private static func equal(_ stored: [UInt8], _ key: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == key.count else { return false }
        if key.isEmpty { return true }
        return stored.withUnsafeBytes { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
    }

    /// The slot holding `key` (and the one before it in its chain, -1 if first), or nil.
    private func find(_ key: UnsafeRawBufferPointer, _ h: UInt64) -> (slot: Int32, previous: Int32)? {
        var previous: Int32 = -1
        var s = heads[h] ?? -1
        while s >= 0 {
            if slotHash[Int(s)] == h && Self.equal(slotKeys[Int(s)], key) { return (s, previous) }
            previous = s
            s = slotNext[Int(s)]
        }
        return nil
    }

    public func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> UnsafeRawBufferPointer? {
        guard let found = find(key, Self.hash(key)) else { return nil }
        return returned.hold(slotValues[Int(found.slot)])
    }

    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(StoreError) {
        let h = Self.hash(key)
        let found = find(key, h)
        let oldCount = found.map { slotValues[Int($0.slot)].count }
        let delta = value.count - (oldCount ?? -(key.count + Self.entryOverhead))
        if bytes + delta > budget {
            throw StoreError(
                store: name,
                "memory budget of \(Self.format(budget)) exceeded (\(Self.format(bytes)) in \(count) entries, writing \(key.count + value.count) bytes); raise its `budget` or use `type: rocksdb`"
            )
        }
        bytes += delta
        if let found {
            slotValues[Int(found.slot)] = Array(value)
            return
        }
        let k = Array(key)
        let s: Int32
        if let reused = freeSlots.popLast() {
            s = reused
            slotKeys[Int(s)] = k
            slotValues[Int(s)] = Array(value)
            slotHash[Int(s)] = h
            slotNext[Int(s)] = heads[h] ?? -1
        } else {
            s = Int32(slotKeys.count)
            slotKeys.append(k)
            slotValues.append(Array(value))
            slotHash.append(h)
            slotNext.append(heads[h] ?? -1)
        }
        heads[h] = s
        count += 1
        sortedKeys.append(k)
        sorted = false
    }

    public func delete(_ key: UnsafeRawBufferPointer) throws(StoreError) {
        let h = Self.hash(key)
        guard let found = find(key, h) else { return }
        let s = Int(found.slot)
        bytes -= key.count + slotValues[s].count + Self.entryOverhead
        if found.previous >= 0 {
            slotNext[Int(found.previous)] = slotNext[s]
        } else if slotNext[s] >= 0 {
            heads[h] = slotNext[s]
        } else {
            heads[h] = nil
        }
        slotKeys[s] = []
        slotValues[s] = []
        freeSlots.append(found.slot)
        count -= 1
        // The sorted key list drops it lazily: scans skip keys no longer stored.
        deletedSinceSort += 1
        if deletedSinceSort > max(1024, sortedKeys.count / 2) {
            sortedKeys.removeAll { value(of: $0) == nil }
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

    func value(of key: [UInt8]) -> [UInt8]? {
        key.withUnsafeBytes { raw in find(raw, Self.hash(raw)).map { slotValues[Int($0.slot)] } }
    }

    public func commit() throws(StoreError) {}
    public func close() {}

    /// Calls `body` with every entry, in slot order (the same for the same sequence of writes; not key
    /// order). For checkpoints: no sorting, no copy of the keys.
    public func forEachEntry(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) rethrows {
        var free = [Bool](repeating: false, count: slotKeys.count)
        for s in freeSlots { free[Int(s)] = true }
        for s in slotKeys.indices where !free[s] {
            try slotKeys[s].withUnsafeBytes { key in
                try slotValues[s].withUnsafeBytes { value in try body(key, value) }
            }
        }
    }

    static func format(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(bytes) bytes"
    }
}
