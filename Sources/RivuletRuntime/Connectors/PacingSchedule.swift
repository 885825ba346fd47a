// PacingSchedule: when a generator's record n is due (start + n / rate), shared with latency probes.
import Atomics
import Foundation
import RivuletCore

/// The schedule of a generator: record `n` (its offset) is due `n / rate` seconds after the generator's
/// first batch; without a rate nothing is due in advance (flat out). Latency probes read the start from
/// other threads and measure from the *due* time, not from when the record was actually made: a source
/// that falls behind shows up as latency (no coordinated omission).
public final class PacingSchedule: Sendable {
    /// Records per second; nil: as fast as possible.
    public let rate: Double?
    private let start = ManagedAtomic<UInt64>(0)

    public init(rate: Double?) {
        self.rate = rate
    }

    /// The generator's first batch (monotonic ns), 0 before it.
    public var startNanoseconds: UInt64 { start.load(ordering: .acquiring) }

    /// Called by the generator at its first batch.
    func begin() -> UInt64 {
        let now = Clock.monotonicNanoseconds()
        _ = start.compareExchange(expected: 0, desired: now, ordering: .acquiringAndReleasing)
        return start.load(ordering: .acquiring)
    }

    /// A generator restored from a checkpoint after `produced` records: the schedule goes on from there
    /// now (as if it had started `produced / rate` seconds ago), not from the original start.
    func resume(at produced: Int) {
        guard let rate else { return }
        let now = Clock.monotonicNanoseconds()
        let behind = UInt64(min(Double(produced) * 1e9 / rate, 1e18))
        start.store(now > behind ? now - behind : 1, ordering: .releasing)
    }

    /// The monotonic time (ns) record `offset` is due, or nil when unpaced or not started.
    @inline(__always)
    public func due(offset: Int64) -> UInt64? {
        guard let rate, offset >= 0 else { return nil }
        let s = startNanoseconds
        guard s != 0 else { return nil }
        let after = Double(offset) * 1e9 / rate
        guard after < 1e18 else { return nil }
        return s &+ UInt64(after)
    }

    /// How many of the next records may be produced now, given `produced` so far (at least 1 when
    /// unpaced); when none is due yet, sleeps until the next one is (at most 100 ms) and returns 0.
    func allowance(produced: Int, wanted: Int) -> Int {
        guard let rate else { return wanted }
        let started = startNanoseconds == 0 ? begin() : startNanoseconds
        let elapsed = Double(Clock.monotonicNanoseconds() - started)
        let due = Int(elapsed / 1e9 * rate) + 1 - produced
        if due <= 0 {
            let wait = Double(produced) / rate * 1e9 - elapsed
            if wait > 0 { usleep(UInt32(min(wait / 1000, 100_000))) }
            return 0
        }
        return min(wanted, due)
    }
}

/// splitmix64: a fast, well-distributed deterministic sequence (generators).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// The generator's whole state (checkpoints save it), and a generator resumed from it.
    var rawState: UInt64 { state }
    init(rawState: UInt64) { state = rawState }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
