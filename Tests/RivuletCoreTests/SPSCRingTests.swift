// SPSCRingTests: the ring's exact capacity, FIFO order across wrap-around, batch operations, and a
// two-thread stress test with checksums (longer with RIVULET_LONG_TESTS=1).
import Foundation
import Testing

@testable import RivuletCore

@Suite struct SPSCRingTests {
    @Test(arguments: [1, 2, 3, 64])
    func wrapsAroundInOrderAtCapacity(_ capacity: Int) {
        let ring = SPSCRing<Int>(capacity: capacity)
        var next = 0
        var expected = 0
        // Fill and drain with every offset so the indices wrap around the storage many times.
        for round in 0..<(4 * capacity + 7) {
            let fill = 1 + round % capacity
            for _ in 0..<fill {
                #expect(ring.push(next))
                next += 1
            }
            if fill == capacity { #expect(!ring.push(-1), "a full ring refuses") }
            #expect(ring.occupancy == fill)
            for _ in 0..<fill {
                #expect(ring.pop() == expected)
                expected += 1
            }
            #expect(ring.pop() == nil)
        }
    }

    @Test(arguments: [1, 2, 3, 64])
    func holdsExactlyItsCapacity(_ capacity: Int) {
        let ring = SPSCRing<Int>(capacity: capacity)
        for i in 0..<capacity { #expect(ring.push(i)) }
        #expect(!ring.push(capacity))
        #expect(ring.capacity == capacity)
    }

    @Test(arguments: [1, 3, 64])
    func batchPushAndPopWrap(_ capacity: Int) {
        let ring = SPSCRing<Int>(capacity: capacity)
        let out = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        defer { out.deallocate() }
        var sent = 0
        var received = 0
        while received < 10 * capacity + 5 {
            let chunk = Array(sent..<(sent + capacity + 2))
            let pushed = chunk.withUnsafeBufferPointer { ring.push(contentsOf: $0) }
            #expect(pushed <= capacity)
            sent += pushed
            let n = ring.pop(into: out, maxCount: max(1, capacity / 2 + 1))
            for i in 0..<n {
                #expect(out[i] == received)
                received += 1
            }
        }
    }

    @Test func releasesElementsLeftInside() {
        final class Token {}
        weak var first: Token?
        weak var second: Token?
        do {
            let ring = SPSCRing<Token>(capacity: 3)
            let a = Token(), b = Token()
            first = a
            second = b
            _ = ring.push(a)
            _ = ring.push(b)
        }
        #expect(first == nil && second == nil, "deinit releases what is still queued")
    }

    @Test func twoThreadsMoveTenMillionValuesWithChecksum() async {
        let long = ProcessInfo.processInfo.environment["RIVULET_LONG_TESTS"] == "1"
        // 10M values through a ring of 1024; tiny rings (every push meets a full ring) move fewer.
        for (capacity, base) in [(1024, 10_000_000), (1, 1_000_000), (3, 1_000_000)] {
            let count = long ? base * 20 : base
            let ring = SPSCRing<Int>(capacity: capacity)
            let producer = Thread {
                var backoff = Backoff()
                var i = 0
                while i < count {
                    if ring.push(i &* 2_654_435_761) { i += 1; backoff.reset() } else { backoff.wait() }
                }
            }
            producer.start()
            var sum = 0
            var xor = 0
            var received = 0
            var backoff = Backoff()
            var previousIndex = -1
            var inOrder = true
            while received < count {
                if let v = ring.pop() {
                    sum &+= v
                    xor ^= v
                    if v != (previousIndex + 1) &* 2_654_435_761 { inOrder = false }
                    previousIndex += 1
                    received += 1
                    backoff.reset()
                } else {
                    backoff.wait()
                }
            }
            var expectedSum = 0
            var expectedXor = 0
            for i in 0..<count {
                expectedSum &+= i &* 2_654_435_761
                expectedXor ^= i &* 2_654_435_761
            }
            #expect(sum == expectedSum)
            #expect(xor == expectedXor)
            #expect(inOrder)
        }
    }
}
