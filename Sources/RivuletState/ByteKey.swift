// ByteKey: a byte-string key for hash maps, hashed once with FNV-1a instead of per byte through Hasher.
/// Keys of `MemoryStore`'s map: the bytes and their FNV-1a hash, computed once. Hashing a `[UInt8]` in
/// a Swift dictionary feeds every byte through SipHash on each lookup; this feeds one integer.
struct ByteKey: Hashable {
    let bytes: [UInt8]
    let fnv: UInt64

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        fnv = h
    }

    init(_ raw: UnsafeRawBufferPointer) {
        self.init(Array(raw))
    }

    func hash(into hasher: inout Hasher) { hasher.combine(fnv) }

    static func == (a: ByteKey, b: ByteKey) -> Bool { a.fnv == b.fnv && a.bytes == b.bytes }
}
