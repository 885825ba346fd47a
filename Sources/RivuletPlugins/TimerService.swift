// TimerService: an operator instance's event-time and processing-time timers, fired in (time, key) order.
import CRivulet

/// The timers one operator instance registered through `api->timer_register`. A timer is (domain, time,
/// key); registering it twice is one timer; deleting an unknown one is fine. Due timers come out in order
/// of time, then key bytes. Used by the instance's thread only.
final class TimerService {
    struct Timer: Hashable, Comparable {
        let time: Int64
        let key: [UInt8]
        static func < (a: Timer, b: Timer) -> Bool {
            a.time != b.time ? a.time < b.time : a.key.lexicographicallyPrecedes(b.key)
        }
    }

    /// Per domain (RV_TIME_EVENT, RV_TIME_PROCESSING): the registered timers, and a sorted copy kept
    /// lazily (timers are few per instance next to records; registration is O(log n) amortized).
    private var registered: [Set<Timer>] = [[], []]
    private var pending: [[Timer]] = [[], []]
    private var sorted = [true, true]

    var count: Int { registered[0].count + registered[1].count }

    /// Whether `domain` is one of RV_TIME_*.
    static func isValid(_ domain: UInt32) -> Bool { domain == RV_TIME_EVENT || domain == RV_TIME_PROCESSING }

    func register(_ domain: UInt32, _ time: Int64, _ key: [UInt8]) {
        let d = Int(domain)
        let timer = Timer(time: time, key: key)
        guard registered[d].insert(timer).inserted else { return }
        pending[d].append(timer)
        sorted[d] = false
    }

    func delete(_ domain: UInt32, _ time: Int64, _ key: [UInt8]) {
        registered[Int(domain)].remove(Timer(time: time, key: key))
    }

    /// Every registered timer of `domain`, in (time, key) order (checkpoints).
    func all(_ domain: UInt32) -> [Timer] { registered[Int(domain)].sorted() }

    /// The earliest timer of `domain` that is still registered, if its time is at or before `now`; it is
    /// removed. Call repeatedly: a callback may register new timers that are due too.
    func popDue(_ domain: UInt32, upTo now: Int64) -> Timer? {
        let d = Int(domain)
        if !sorted[d] {
            pending[d] = pending[d].filter { registered[d].contains($0) }.sorted(by: >)
            sorted[d] = true
        }
        while let last = pending[d].last {
            if !registered[d].contains(last) {
                pending[d].removeLast()
                continue
            }
            guard last.time <= now else { return nil }
            pending[d].removeLast()
            registered[d].remove(last)
            return last
        }
        return nil
    }
}
