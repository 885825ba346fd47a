// Stopwatch: times a piece of work on the monotonic clock and turns it into a rate.
import RivuletCore

/// Measures one span of work; `perSecond(_:)` turns a count of things done into things per second.
struct Stopwatch {
    private let started = Clock.monotonicNanoseconds()

    var elapsedSeconds: Double { Double(Clock.monotonicNanoseconds() - started) / 1e9 }

    /// `count` per second of elapsed time, as a whole number (custom metrics are integers).
    func perSecond(_ count: Int) -> Int {
        Throughput(count: count, seconds: elapsedSeconds).perSecond
    }
}

/// Things done and the seconds they took, added up over several timed runs (e.g. a baseline run on half
/// the work before the measured region and half after it).
struct Throughput {
    var count = 0
    var seconds = 0.0

    /// Runs `body`, which returns how many things it did, and adds it with its time.
    mutating func time(_ body: () throws -> Int) rethrows {
        let stopwatch = Stopwatch()
        let done = try body()
        count += done
        seconds += stopwatch.elapsedSeconds
    }

    /// Things per second, as a whole number (custom metrics are integers).
    var perSecond: Int { seconds > 0 ? Int((Double(count) / seconds).rounded()) : 0 }
}
