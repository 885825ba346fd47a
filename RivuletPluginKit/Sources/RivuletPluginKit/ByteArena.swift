// ByteArena: chunks of bytes that never move, reused call after call, for the values of emitted rows.

/// Where the SDK copies string and bytes values a plugin sets on an emitted row, so that the row can point
/// at them until the host has copied them (during the emitting call).
///
/// Invariants: every chunk is allocated here and freed only by `deallocate`; a chunk never moves or
/// shrinks, so a pointer returned by `copy` stays valid until the next `reset` (the start of the next
/// emitting call). Chunks are kept across resets: once the arena has grown to a call's needs, copying
/// allocates nothing. Touched by one thread (the instance's).
struct ByteArena {
    private var chunks: [UnsafeMutableRawBufferPointer]
    private var current = 0
    private var used = 0

    init(initialSize: Int = 4096) {
        chunks = [.allocate(byteCount: initialSize, alignment: 16)]
    }

    /// Forgets every copy (their pointers become invalid); keeps the memory.
    mutating func reset() {
        current = 0
        used = 0
    }

    /// Copies `bytes` and returns where they are now (valid until `reset`). Empty input gives a valid,
    /// non-NULL pointer that must not be read.
    mutating func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafePointer<UInt8> {
        let n = bytes.count
        if used + n > chunks[current].count {
            // The next chunk, if it is big enough; else a new one (twice the size) in its place.
            if current + 1 < chunks.count && chunks[current + 1].count >= n {
                current += 1
            } else {
                let size = max(n, chunks[current].count * 2)
                chunks.insert(.allocate(byteCount: size, alignment: 16), at: current + 1)
                current += 1
            }
            used = 0
        }
        let destination = chunks[current].baseAddress! + used
        if n > 0 { destination.copyMemory(from: bytes.baseAddress!, byteCount: n) }
        used += n
        return UnsafePointer(destination.assumingMemoryBound(to: UInt8.self))
    }

    /// Frees every chunk (the arena must not be used afterwards).
    func deallocate() {
        for chunk in chunks { chunk.deallocate() }
    }
}
