// CrashLoop: runs `rivulet run` and SIGKILLs it at seeded random moments, restarting until a run completes.
import Foundation

/// The exactly-once acceptance harness: each attempt runs the real binary with a deadline drawn from a
/// seeded generator (the SIGKILL moment, anywhere from start-up to well into the run), and the next
/// attempt resumes from whatever checkpoint the killed one left. After `kills` killed attempts, the next
/// run is left to finish; an attempt that ends by itself (completed, or failed) ends the loop. Returns every attempt, so a test can say how each one ended.
public enum CrashLoop {
    public struct Attempt: Sendable {
        public let killAfter: Double?
        public let process: RivuletProcess
    }

    /// `arguments(i)`: the arguments of attempt i (so a test can change them half-way, e.g. the parallelism).
    public static func run(
        kills: Int, seed: UInt64, maxDelay: Double, arguments: (Int) -> [String], finalDeadline: Double = 300
    ) throws -> [Attempt] {
        var random = SeededRandom(seed: seed)
        var attempts: [Attempt] = []
        var killed = 0
        while killed < kills {
            let delay = Double(random.next() % 1_000_000) / 1_000_000 * maxDelay
            let process = try RivuletProcess.run(arguments(attempts.count), deadline: delay)
            attempts.append(Attempt(killAfter: delay, process: process))
            if process.timedOut {
                killed += 1
            } else {
                return attempts  // it completed before its kill moment, or failed: the caller checks which
            }
        }
        let last = try RivuletProcess.run(arguments(attempts.count), deadline: finalDeadline)
        attempts.append(Attempt(killAfter: nil, process: last))
        return attempts
    }
}

/// SplitMix64: a small seeded generator (the same seed gives the same kill moments).
public struct SeededRandom: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
