// SPSCRing: a bounded, lock-free single-producer/single-consumer ring with batch push and pop.
import Atomics

/// A bounded lock-free queue between exactly one producer thread and one consumer thread.
///
/// Memory ordering — the pairs that make it correct:
/// - The producer writes a slot, then stores `tail` with **release**; the consumer loads `tail` with
///   **acquire** before reading the slot. So a consumer that sees index t sees the element written there.
/// - The consumer moves an element out, then stores `head` with **release**; the producer loads `head` with
///   **acquire** before reusing the slot. So a producer never overwrites an element still being read.
/// - Each side loads its own index with **relaxed** ordering (only it writes it).
/// Each side keeps a private cached copy of the other's index and reloads it only when the ring looks
/// full (producer) or empty (consumer), so in steady state a batch costs one atomic store and no loads
/// of the other side's cache line. `head` and `tail` live in separate 128-byte blocks (no false sharing).
///
/// Invariants: `0 ≤ tail − head ≤ capacity`; slots `head..<tail` (mod storage size) are initialized,
/// every other slot is not. Indices run freely (64-bit, never wrap in practice) and are masked into a
/// power-of-two storage, so any capacity ≥ 1 is exact: a ring of capacity 3 holds exactly 3 elements.
/// - Complexity: push and pop are O(1); `push(contentsOf:)` / `pop(into:)` publish a whole batch with one
///   release store.
public final class SPSCRing<Element>: @unchecked Sendable {
    /// How many elements the ring holds at most.
    public let capacity: Int
    @usableFromInline let mask: Int
    @usableFromInline let slots: UnsafeMutablePointer<Element>
    /// [0, 128): consumer block — `head` then the consumer's cached tail.
    /// [128, 256): producer block — `tail` then the producer's cached head.
    @usableFromInline let control: UnsafeMutableRawPointer
    @usableFromInline let head: UnsafeAtomic<Int>
    @usableFromInline let tail: UnsafeAtomic<Int>
    @usableFromInline let consumerCachedTail: UnsafeMutablePointer<Int>
    @usableFromInline let producerCachedHead: UnsafeMutablePointer<Int>

    @usableFromInline static var blockSize: Int { 128 }

    public init(capacity: Int) {
        precondition(capacity >= 1, "a ring holds at least one element")
        var size = 1
        while size < capacity { size <<= 1 }
        self.capacity = capacity
        mask = size - 1
        slots = .allocate(capacity: size)
        control = .allocate(byteCount: 2 * Self.blockSize, alignment: Self.blockSize)
        control.initializeMemory(as: UInt8.self, repeating: 0, count: 2 * Self.blockSize)
        let stride = MemoryLayout<UnsafeAtomic<Int>.Storage>.stride
        head = UnsafeAtomic(at: control.bindMemory(to: UnsafeAtomic<Int>.Storage.self, capacity: 1))
        consumerCachedTail = (control + stride).bindMemory(to: Int.self, capacity: 1)
        tail = UnsafeAtomic(at: (control + Self.blockSize).bindMemory(to: UnsafeAtomic<Int>.Storage.self, capacity: 1))
        producerCachedHead = (control + Self.blockSize + stride).bindMemory(to: Int.self, capacity: 1)
        head.store(0, ordering: .relaxed)
        tail.store(0, ordering: .relaxed)
        consumerCachedTail.pointee = 0
        producerCachedHead.pointee = 0
    }

    deinit {
        let h = head.load(ordering: .acquiring)
        let t = tail.load(ordering: .acquiring)
        for i in h..<t { (slots + (i & mask)).deinitialize(count: 1) }
        slots.deallocate()
        control.deallocate()
    }

    // MARK: Producer side (one thread)

    /// Appends `element` if there is room; returns false when the ring is full. Producer thread only.
    @inlinable
    public func push(_ element: Element) -> Bool {
        let t = tail.load(ordering: .relaxed)
        if t - producerCachedHead.pointee >= capacity {
            producerCachedHead.pointee = head.load(ordering: .acquiring)
            if t - producerCachedHead.pointee >= capacity { return false }
        }
        (slots + (t & mask)).initialize(to: element)
        tail.store(t + 1, ordering: .releasing)
        return true
    }

    /// Appends as many elements of `source` as fit, publishing them with one release store; returns how
    /// many were appended (their values are copied). Producer thread only.
    @inlinable
    public func push(contentsOf source: UnsafeBufferPointer<Element>) -> Int {
        let t = tail.load(ordering: .relaxed)
        var free = capacity - (t - producerCachedHead.pointee)
        if free < source.count {
            producerCachedHead.pointee = head.load(ordering: .acquiring)
            free = capacity - (t - producerCachedHead.pointee)
        }
        let n = min(free, source.count)
        if n == 0 { return 0 }
        let start = t & mask
        let first = min(n, mask + 1 - start)
        (slots + start).initialize(from: source.baseAddress!, count: first)
        if first < n { slots.initialize(from: source.baseAddress! + first, count: n - first) }
        tail.store(t + n, ordering: .releasing)
        return n
    }

    // MARK: Consumer side (one thread)

    /// Removes and returns the oldest element, or nil when the ring is empty. Consumer thread only.
    @inlinable
    public func pop() -> Element? {
        let h = head.load(ordering: .relaxed)
        if h == consumerCachedTail.pointee {
            consumerCachedTail.pointee = tail.load(ordering: .acquiring)
            if h == consumerCachedTail.pointee { return nil }
        }
        let element = (slots + (h & mask)).move()
        head.store(h + 1, ordering: .releasing)
        return element
    }

    /// Moves up to `maxCount` elements into `destination` (uninitialized memory), freeing their slots with
    /// one release store; returns how many were moved. Consumer thread only.
    @inlinable
    public func pop(into destination: UnsafeMutablePointer<Element>, maxCount: Int) -> Int {
        let h = head.load(ordering: .relaxed)
        var available = consumerCachedTail.pointee - h
        if available < maxCount {
            consumerCachedTail.pointee = tail.load(ordering: .acquiring)
            available = consumerCachedTail.pointee - h
        }
        let n = min(available, maxCount)
        if n == 0 { return 0 }
        let start = h & mask
        let first = min(n, mask + 1 - start)
        destination.moveInitialize(from: slots + start, count: first)
        if first < n { (destination + first).moveInitialize(from: slots, count: n - first) }
        head.store(h + n, ordering: .releasing)
        return n
    }

    // MARK: Either side

    /// The number of elements in the ring at some recent instant (exact when both sides are idle).
    public var occupancy: Int {
        tail.load(ordering: .acquiring) - head.load(ordering: .acquiring)
    }
}
