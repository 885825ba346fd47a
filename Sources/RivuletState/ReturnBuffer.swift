// ReturnBuffer: owned bytes handed out by a store until its next call (the ABI's "host-owned until…").

/// A growable byte buffer that a store copies a result into, so the pointer it returns stays valid until
/// the store's next call (a Swift array's storage must not be escaped). Owns its memory.
final class ReturnBuffer {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Copies `bytes` in and returns a view of the copy.
    func hold<C: Collection<UInt8>>(_ bytes: C) -> UnsafeRawBufferPointer {
        if bytes.count > capacity {
            base.deallocate()
            capacity = max(bytes.count, capacity * 2)
            base = .allocate(byteCount: capacity, alignment: 8)
        }
        let target = UnsafeMutableRawBufferPointer(start: base, count: bytes.count)
        _ = target.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(start: base, count: bytes.count)
    }
}
