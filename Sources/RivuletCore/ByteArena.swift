// ByteArena: an append-only, chunked byte store whose addresses never move, owned by one record batch.

/// Bytes that records of one batch point into (strings, keys, raw values, header arrays).
///
/// Memory is taken in chunks and never reallocated, so a pointer handed out stays valid until the arena is
/// released; the whole arena is freed at once. Not thread-safe: one writer, then read-only once published.
/// - Complexity: `copy` is O(n) in the bytes copied; a new chunk costs one allocation.
public struct ByteArena {
    @usableFromInline var chunks: [UnsafeMutableRawPointer] = []
    @usableFromInline var cursor: UnsafeMutableRawPointer? = nil
    @usableFromInline var remaining: Int = 0
    @usableFromInline let chunkSize: Int

    public init(chunkSize: Int = 64 * 1024) {
        self.chunkSize = chunkSize
    }

    /// Reserves `count` bytes aligned to `alignment` (a power of two ≤ 16) and returns their address.
    @inlinable
    public mutating func allocate(_ count: Int, alignment: Int = 1) -> UnsafeMutableRawPointer {
        if let c = cursor {
            let pad = (alignment - Int(bitPattern: c) & (alignment - 1)) & (alignment - 1)
            if pad + count <= remaining {
                let p = c + pad
                cursor = p + count
                remaining -= pad + count
                return p
            }
        }
        return allocateSlow(count, alignment: alignment)
    }

    @usableFromInline
    mutating func allocateSlow(_ count: Int, alignment: Int) -> UnsafeMutableRawPointer {
        let size = max(chunkSize, count + 16)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        chunks.append(chunk)
        cursor = chunk + count
        remaining = size - count
        return chunk
    }

    /// Copies `count` bytes from `source` into the arena; returns the copy (nil when count is 0).
    @inlinable
    public mutating func copy(_ source: UnsafeRawPointer?, count: Int) -> UnsafePointer<UInt8>? {
        guard count > 0, let source else { return nil }
        let p = allocate(count)
        p.copyMemory(from: source, byteCount: count)
        return UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
    }

    /// Copies a Swift string's UTF-8 bytes, NUL-terminated (the NUL is not counted in the returned length).
    public mutating func copyCString(_ string: String) -> (pointer: UnsafePointer<CChar>, length: Int) {
        var s = string
        return s.withUTF8 { utf8 in
            let p = allocate(utf8.count + 1)
            if let base = utf8.baseAddress { p.copyMemory(from: base, byteCount: utf8.count) }
            p.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
            return (UnsafePointer(p.assumingMemoryBound(to: CChar.self)), utf8.count)
        }
    }

    /// Frees every chunk. Pointers handed out become invalid.
    public mutating func release() {
        for chunk in chunks { chunk.deallocate() }
        chunks.removeAll()
        cursor = nil
        remaining = 0
    }
}
