// FNV1a: the one 64-bit FNV-1a of the host: key partitioning, the memory store's slots, the window key table.

/// 64-bit FNV-1a over bytes: stable across runs, machines and builds (no per-process seed, unlike Swift's
/// `Hasher`), so a key always lands on the same instance of a parallel operator. Callers that need a
/// distinct family start from another basis (`offsetBasis ^ seed`); the result for a given basis and
/// bytes never changes (`KeyHashTests` pins it).
public enum FNV1a {
    /// The FNV-1a 64-bit offset basis. (Computed, not stored: a constant in the callers' inlined loops,
    /// with no global accessor call.)
    @inlinable public static var offsetBasis: UInt64 { 0xcbf2_9ce4_8422_2325 }
    /// The FNV 64-bit prime.
    @inlinable public static var prime: UInt64 { 0x100_0000_01b3 }

    /// The hash of `count` bytes at `bytes`, starting from `basis`; nil bytes hash as none.
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafePointer<UInt8>?, count: Int, basis: UInt64 = offsetBasis) -> UInt64 {
        var h = basis
        guard let bytes else { return h }
        for i in 0..<count {
            h = (h ^ UInt64(bytes[i])) &* prime
        }
        return h
    }

    /// The hash of `bytes`, starting from `basis`.
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer, basis: UInt64 = offsetBasis) -> UInt64 {
        var h = basis
        for b in bytes {
            h = (h ^ UInt64(b)) &* prime
        }
        return h
    }
}
