// Waiting: tests wait for conditions, never for fixed times, so a loaded machine makes them slower, not red.
import Foundation

/// Polls `condition` every `interval` seconds until it holds or `timeout` seconds have passed (on the
/// monotonic clock); returns whether it held. The timeout only keeps a broken test from hanging: make it
/// generous, never an expectation about how fast the machine is.
@discardableResult
public func waitUntil(timeout: Double = 60, interval: Double = 0.005, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
    while true {
        if try condition() { return true }
        if DispatchTime.now().uptimeNanoseconds >= deadline { return false }
        usleep(UInt32(interval * 1e6))
    }
}

/// A deadline on the monotonic clock, for conditions checked from callbacks (a run's progress closure)
/// rather than by a `waitUntil` loop.
public struct Deadline: Sendable {
    let end: UInt64

    public init(seconds: Double) { end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9) }

    public var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= end }
}
