// Backoff: how a thread waits for a ring to fill or drain: spin briefly, then yield, then sleep.
import Foundation

/// A progressive wait used by both sides of a ring: a few spins (the other side is usually about to
/// act), then `sched_yield`, then short sleeps so an idle task does not burn a core on a 2-core machine.
public struct Backoff {
    @usableFromInline var attempts = 0

    public init() {}

    /// Waits a little longer than last time.
    @inlinable
    public mutating func wait() {
        attempts += 1
        if attempts < 64 {
            return
        } else if attempts < 128 {
            sched_yield()
        } else {
            usleep(attempts < 1024 ? 20 : 200)
        }
    }

    /// Call after progress: the next wait starts with spinning again.
    @inlinable
    public mutating func reset() { attempts = 0 }
}
