// KeyTable: interns group keys (typed bytes) to dense ids, so per-key state lives in plain arrays.
import Foundation
import RivuletCore
import RivuletHashing

/// Maps each distinct key — the bytes of the `key_by` field plus its type — to a dense id, and back to its
/// bytes for output. Open addressing with linear probing over a power-of-two table of ids; key bytes live
/// in one growing buffer. A key that has no state left is `remove`d: its id is reused by the next new key
/// (backward-shift deletion keeps probing exact, no tombstones), and the bytes of removed keys are
/// compacted away before the buffer would grow — so an endless stream of new keys, each of which closes,
/// uses bounded memory.
///
/// Unsafe code: `slots`, `hashes`, `offsets`, `lengths` and `bytes` are raw buffers owned by this table,
/// freed in deinit; every id used is below `count` (checked where written); a removed id has length -1
/// until it is reused. Used by its operator's thread only: its fields are `@exclusivity(unchecked)` (no dynamic
/// exclusivity checks, ~75 instructions per access).
final class KeyTable {
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var mask: Int
    /// Ids handed out so far (live and removed): the per-key arrays of the users span `0..<count`.
    @exclusivity(unchecked) private(set) var count = 0
    /// Ids of removed keys, reused first.
    @exclusivity(unchecked) private var freeIds: [Int32] = []
    /// Bytes in `bytes` that belong to removed keys.
    @exclusivity(unchecked) private var deadBytes = 0
    /// Keys present now.
    var liveCount: Int { count - freeIds.count }
    @exclusivity(unchecked) private var hashes: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) private var offsets: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var lengths: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var types: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var bytesUsed = 0
    @exclusivity(unchecked) private var bytesCapacity: Int

    init() {
        mask = 1023
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: -1, count: mask + 1)
        capacity = 256
        hashes = .allocate(capacity: capacity)
        offsets = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        types = .allocate(capacity: capacity)
        bytesCapacity = 4096
        bytes = .allocate(capacity: bytesCapacity)
    }

    deinit {
        slots.deallocate()
        hashes.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        types.deallocate()
        bytes.deallocate()
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>?, _ n: Int, _ type: UInt32) -> UInt64 {
        let h = FNV1a.hash(p, count: n, basis: FNV1a.offsetBasis ^ UInt64(type))
        return h ^ (h >> 29)
    }

    /// The id of the key (`type`, `p[0..<n]`), adding it if new.
    @inline(__always)
    func id(_ p: UnsafePointer<UInt8>?, _ n: Int, type: UInt32) -> Int32 {
        let h = Self.hash(p, n, type)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[i]
            if id < 0 { return insert(p, n, type, h, at: i) }
            let k = Int(id)
            if hashes[k] == h, Int(lengths[k]) == n, types[k] == type, Self.equal(bytes + offsets[k], p, n) {
                return id
            }
            i = (i + 1) & mask
        }
    }

    /// Byte equality; short keys (the usual case) without a call to memcmp.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
        guard n > 0, let b else { return true }
        if n > 16 { return memcmp(a, b, n) == 0 }
        for i in 0..<n where a[i] != b[i] { return false }
        return true
    }

    private func insert(_ p: UnsafePointer<UInt8>?, _ n: Int, _ type: UInt32, _ h: UInt64, at slot: Int) -> Int32 {
        if freeIds.isEmpty && count == capacity { growEntries() }
        if bytesUsed + n > bytesCapacity && deadBytes > 0 && deadBytes >= bytesUsed / 2 { compactBytes() }
        if bytesUsed + n > bytesCapacity {
            let bigger = max(bytesCapacity * 2, bytesUsed + n)
            let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
            fresh.update(from: bytes, count: bytesUsed)
            bytes.deallocate()
            bytes = fresh
            bytesCapacity = bigger
        }
        if n > 0, let p { (bytes + bytesUsed).update(from: p, count: n) }
        let id: Int
        if let reused = freeIds.popLast() {
            id = Int(reused)
        } else {
            id = count
            count += 1
        }
        hashes[id] = h
        offsets[id] = bytesUsed
        lengths[id] = Int32(n)
        types[id] = type
        bytesUsed += n
        slots[slot] = Int32(id)
        if liveCount * 2 > mask { rehash() }
        return Int32(id)
    }

    /// Forgets key `id` (its owner holds no state for it any more); the id is handed out again.
    func remove(_ id: Int32) {
        let k = Int(id)
        precondition(k < count && lengths[k] >= 0, "KeyTable.remove: id \(id) is not a live key")
        var i = Int(truncatingIfNeeded: hashes[k]) & mask
        while slots[i] != id { i = (i + 1) & mask }
        // Backward-shift deletion: move later members of the probe run into the hole when their home
        // slot does not lie cyclically in (hole, j].
        var hole = i
        var j = (i + 1) & mask
        while slots[j] >= 0 {
            let home = Int(truncatingIfNeeded: hashes[Int(slots[j])]) & mask
            let homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !homeInRange {
                slots[hole] = slots[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        slots[hole] = -1
        deadBytes += Int(lengths[k])
        lengths[k] = -1
        freeIds.append(id)
    }

    /// Moves the bytes of live keys to the front of the buffer, dropping removed keys' bytes.
    private func compactBytes() {
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bytesCapacity)
        var used = 0
        for k in 0..<count where lengths[k] > 0 {
            let n = Int(lengths[k])
            (fresh + used).update(from: bytes + offsets[k], count: n)
            offsets[k] = used
            used += n
        }
        bytes.deallocate()
        bytes = fresh
        bytesUsed = used
        deadBytes = 0
    }

    /// Entry and byte capacities (for tests of bounded memory).
    var capacities: (entries: Int, slots: Int, bytes: Int) { (capacity, mask + 1, bytesCapacity) }

    private func growEntries() {
        let bigger = capacity * 2
        func grow<T>(_ p: inout UnsafeMutablePointer<T>) {
            let fresh = UnsafeMutablePointer<T>.allocate(capacity: bigger)
            fresh.moveInitialize(from: p, count: count)
            p.deallocate()
            p = fresh
        }
        grow(&hashes)
        grow(&offsets)
        grow(&lengths)
        grow(&types)
        capacity = bigger
    }

    private func rehash() {
        let size = (mask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        for k in 0..<count where lengths[k] >= 0 {
            var i = Int(truncatingIfNeeded: hashes[k]) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(k)
        }
    }

    /// The bytes of key `id` (valid until the next insertion or removal).
    func bytes(of id: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + offsets[Int(id)], count: Int(lengths[Int(id)]))
    }

    func type(of id: Int32) -> UInt32 { types[Int(id)] }

    /// Byte-wise order of two keys (shorter first on a common prefix; equal bytes — NULL and "" — by type),
    /// a total order of distinct keys.
    func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let x = bytes(of: a), y = bytes(of: b)
        let n = min(x.count, y.count)
        let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
        if c != 0 { return c < 0 }
        return x.count != y.count ? x.count < y.count : types[Int(a)] < types[Int(b)]
    }
}
