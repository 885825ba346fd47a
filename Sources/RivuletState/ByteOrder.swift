// ByteOrder: comparisons and bounds of byte strings in the order stores scan them.

/// Byte-string order (memcmp, then length), as RocksDB's default comparator.
public enum ByteOrder {
    /// Whether `a` sorts before `b`.
    public static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    /// The smallest key greater than every key starting with `prefix`, or nil when there is none (an empty
    /// prefix, or one made only of 0xFF): the exclusive end of a prefix scan.
    public static func successor(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        var end = prefix
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return nil
    }
}
