// AccumulatorSlab: fixed-size accumulator slots for every live window, in one growing 16-byte-aligned block.
/// Slots of `stride` bytes addressed by index; freed slots are reused. Unsafe code: `base` is owned, holds
/// `capacity` slots; an index is valid from `allocate()` until `free(_:)`. Used by its operator's thread only:
/// its fields are `@exclusivity(unchecked)` (no dynamic exclusivity checks, ~75 instructions per access).
final class AccumulatorSlab {
    let stride: Int
    @exclusivity(unchecked) private(set) var base: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var used = 0
    @exclusivity(unchecked) private var freeList: [Int32] = []

    init(stride: Int) {
        self.stride = max(16, (stride + 15) & ~15)
        capacity = 1024
        base = .allocate(byteCount: self.stride * capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// A zeroed slot.
    func allocate() -> Int32 {
        let index: Int
        if let reused = freeList.popLast() {
            index = Int(reused)
        } else {
            if used == capacity {
                let bigger = capacity * 2
                let fresh = UnsafeMutableRawPointer.allocate(byteCount: stride * bigger, alignment: 16)
                fresh.copyMemory(from: base, byteCount: stride * used)
                base.deallocate()
                base = fresh
                capacity = bigger
            }
            index = used
            used += 1
        }
        (base + index * stride).initializeMemory(as: UInt8.self, repeating: 0, count: stride)
        return Int32(index)
    }

    @inline(__always)
    func pointer(_ index: Int32) -> UnsafeMutableRawPointer { base + Int(index) * stride }

    func free(_ index: Int32) { freeList.append(index) }

    /// Slots allocated and not freed.
    var inUse: Int { used - freeList.count }
}
