// ByteArena: an append-only, chunked byte store whose addresses never move, owned by one record batch.

/// Bytes that records of one batch point into (strings, keys, raw values, header arrays).
///
/// Memory is taken in chunks and never reallocated, so a pointer handed out stays valid until `release()`;
/// the whole arena is freed at once. One writer thread, then read-only once the batch is published.
/// The bump state lives behind a `let` pointer, so allocating costs no exclusivity check and no ARC.
/// - Complexity: `copy` is O(n) in the bytes copied; a new chunk costs one allocation.
public struct ByteArena {
    @usableFromInline struct State {
        @usableFromInline var cursor: UnsafeMutableRawPointer?
        @usableFromInline var remaining: Int
    }

    /// Chunks to free; touched only when a chunk is added and at release (by one thread: unchecked).
    @usableFromInline final class Chunks {
        @exclusivity(unchecked) @usableFromInline var list: [UnsafeMutableRawPointer] = []
        @usableFromInline init() {}
    }

    @usableFromInline let state: UnsafeMutablePointer<State>
    @usableFromInline let chunks = Chunks()
    @usableFromInline let chunkSize: Int

    public init(chunkSize: Int = 64 * 1024) {
        self.chunkSize = chunkSize
        state = .allocate(capacity: 1)
        state.initialize(to: State(cursor: nil, remaining: 0))
    }

    /// Reserves `count` bytes aligned to `alignment` (a power of two ≤ 16) and returns their address.
    @inlinable
    public func allocate(_ count: Int, alignment: Int = 1) -> UnsafeMutableRawPointer {
        if let c = state.pointee.cursor {
            let pad = (alignment - Int(bitPattern: c) & (alignment - 1)) & (alignment - 1)
            if pad + count <= state.pointee.remaining {
                let p = c + pad
                state.pointee.cursor = p + count
                state.pointee.remaining -= pad + count
                return p
            }
        }
        return allocateSlow(count, alignment: alignment)
    }

    @usableFromInline
    func allocateSlow(_ count: Int, alignment: Int) -> UnsafeMutableRawPointer {
        let size = max(chunkSize, count + 16)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        chunks.list.append(chunk)
        state.pointee.cursor = chunk + count
        state.pointee.remaining = size - count
        return chunk
    }

    /// Copies `count` bytes from `source` into the arena; returns the copy (nil when count is 0).
    @inlinable
    public func copy(_ source: UnsafeRawPointer?, count: Int) -> UnsafePointer<UInt8>? {
        guard count > 0, let source else { return nil }
        let p = allocate(count)
        p.copyMemory(from: source, byteCount: count)
        return UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
    }

    /// Copies a Swift string's UTF-8 bytes, NUL-terminated (the NUL is not counted in the returned length).
    public func copyCString(_ string: String) -> (pointer: UnsafePointer<CChar>, length: Int) {
        var s = string
        return s.withUTF8 { utf8 in
            let p = allocate(utf8.count + 1)
            if let base = utf8.baseAddress { p.copyMemory(from: base, byteCount: utf8.count) }
            p.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
            return (UnsafePointer(p.assumingMemoryBound(to: CChar.self)), utf8.count)
        }
    }

    /// Frees every chunk and the state. Pointers handed out become invalid; the arena must not be used again.
    public func release() {
        for chunk in chunks.list { chunk.deallocate() }
        chunks.list.removeAll()
        state.deallocate()
    }
}
