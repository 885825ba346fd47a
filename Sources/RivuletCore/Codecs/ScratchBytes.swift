// ScratchBytes: a growable byte buffer for unquoted CSV cells.
/// A growable byte buffer for unquoted CSV cells. Owns its memory (freed in deinit). Used per byte by its
/// decoder's thread only: its fields are `@exclusivity(unchecked)` (no dynamic exclusivity checks).
final class ScratchBytes {
    @exclusivity(unchecked) private(set) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int

    init() {
        capacity = 256
        bytes = .allocate(capacity: capacity)
    }

    deinit { bytes.deallocate() }

    /// Writes `byte` at `index`, growing the buffer as needed (indexes are written in order from 0).
    @inline(__always)
    func append(_ byte: UInt8, at index: Int) {
        if index == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: bytes, count: capacity)
            bytes.deallocate()
            bytes = bigger
            capacity *= 2
        }
        bytes[index] = byte
    }
}
