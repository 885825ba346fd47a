// LRUCache: a least-recently-used cache bounded by entries and bytes, whose entries expire after a TTL.

/// Maps keys to values (nil values cache "not found" too) with a bound on entry count and on bytes
/// (keys + values + 64 per entry); the least recently used entry is evicted first. An entry older than
/// `ttl` milliseconds is a miss (and dropped). Used by one thread.
public final class LRUCache {
    struct Node {
        var key: [UInt8]
        var value: [UInt8]?
        var stored: Int64
        var previous: Int
        var next: Int
    }

    public let maxEntries: Int
    public let maxBytes: Int
    public let ttl: Int64
    private var index: [[UInt8]: Int] = [:]
    private var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var head = -1  // most recent
    private var tail = -1  // least recent
    public private(set) var bytes = 0
    public private(set) var evictions = 0
    public var count: Int { index.count }

    public init(maxEntries: Int, maxBytes: Int, ttl: Int64) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = maxBytes
        self.ttl = ttl
    }

    static func size(_ key: [UInt8], _ value: [UInt8]?) -> Int { key.count + (value?.count ?? 0) + 64 }

    /// `.some(value)` on a hit (value nil: cached as not found), nil on a miss.
    public func get(_ key: [UInt8], now: Int64) -> [UInt8]?? {
        guard let i = index[key] else { return nil }
        if now - nodes[i].stored >= ttl {
            remove(i)
            return nil
        }
        moveToFront(i)
        return .some(nodes[i].value)
    }

    public func put(_ key: [UInt8], _ value: [UInt8]?, now: Int64) {
        guard maxEntries > 0 else { return }
        if let i = index[key] { remove(i) }
        let size = Self.size(key, value)
        guard size <= maxBytes else { return }
        while index.count >= maxEntries || bytes + size > maxBytes, tail >= 0 {
            remove(tail)
            evictions += 1
        }
        let node = Node(key: key, value: value, stored: now, previous: -1, next: head)
        let i: Int
        if let slot = freeSlots.popLast() {
            nodes[slot] = node
            i = slot
        } else {
            nodes.append(node)
            i = nodes.count - 1
        }
        if head >= 0 { nodes[head].previous = i }
        head = i
        if tail < 0 { tail = i }
        index[key] = i
        bytes += size
    }

    private func unlink(_ i: Int) {
        let p = nodes[i].previous, n = nodes[i].next
        if p >= 0 { nodes[p].next = n } else { head = n }
        if n >= 0 { nodes[n].previous = p } else { tail = p }
    }

    private func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        nodes[i].previous = -1
        nodes[i].next = head
        if head >= 0 { nodes[head].previous = i }
        head = i
        if tail < 0 { tail = i }
    }

    private func remove(_ i: Int) {
        unlink(i)
        bytes -= Self.size(nodes[i].key, nodes[i].value)
        index[nodes[i].key] = nil
        nodes[i].key = []
        nodes[i].value = nil
        freeSlots.append(i)
    }
}
