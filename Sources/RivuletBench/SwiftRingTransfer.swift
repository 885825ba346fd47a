// SwiftRingTransfer: the Swift side of the ring benchmark (`rivulet bench ring`, Benchmarks/RivuletBenchmarks).
import Foundation
import RivuletCore

/// Moves `count` values 0..<count from a producer thread to the calling thread through an `SPSCRing` and
/// returns their sum: the same work as the C baseline `spsc_baseline_transfer`, which it is measured against.
public enum SwiftRingTransfer {
    public static func run(capacity: Int, count: Int) -> Int {
        let ring = SPSCRing<Int>(capacity: capacity)
        let producer = Thread {
            produce(ring, count)
        }
        producer.start()
        return consume(ring, count)
    }

    @inline(never)
    static func produce(_ ring: SPSCRing<Int>, _ count: Int) {
        var i = 0
        while i < count {
            if ring.push(i) { i += 1 } else { sched_yield() }
        }
    }

    @inline(never)
    static func consume(_ ring: SPSCRing<Int>, _ count: Int) -> Int {
        var sum = 0
        var received = 0
        while received < count {
            if let v = ring.pop() {
                sum &+= v
                received += 1
            } else {
                sched_yield()
            }
        }
        return sum
    }
}
