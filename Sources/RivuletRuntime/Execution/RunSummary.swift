// RunSummary: what a finished run did: records in and out, dead letters, time, CPU and memory.
import Foundation
import RivuletExecution

/// The outcome of a run that completed (failures are thrown instead).
public struct RunSummary: Sendable {
    public let elapsedSeconds: Double
    public let cpuSeconds: Double
    public let recordsIn: Int64
    public let recordsOut: Int64
    public let deadLetters: Int64
    public let deadLetterDestination: String
    /// Dead letters counted but not written (stderr shows only the first few).
    public var deadLettersNotShown = 0
    public let sinks: [(name: String, records: Int64)]
    /// Per window operator (all its instances): windows emitted and records that came too late.
    public var windows: [(name: String, fired: Int, late: Int)] = []
    /// Per lookup operator (all its instances): cache hits, misses, round trips, their mean time, failures.
    public var lookups: [(name: String, hits: Int, misses: Int, roundTrips: Int, meanMilliseconds: Double, failed: Int)] = []
    /// Total time producers waited on full rings (backpressure).
    public let ringBlockedSeconds: Double
    public let peakMemoryBytes: Int
    /// Checkpoints completed during the run (the final one included), and the savepoint a stop took.
    public var checkpointsCompleted: Int64 = 0
    /// The newest completed checkpoint (its duration and size), if any.
    public var lastCheckpoint: CompletedCheckpoint?
    public var savepoint: (id: UInt64, path: String)?

    public var recordsPerSecond: Double { elapsedSeconds > 0 ? Double(recordsIn) / elapsedSeconds : 0 }

    /// Process CPU time (user + system) in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size of the process in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// The text printed at the end of `rivulet run`.
    public var text: String {
        var lines = [
            String(format: "records in: %lld  out: %lld  dead-lettered: %lld", recordsIn, recordsOut, deadLetters),
            String(
                format: "elapsed: %.3f s  rate: %.0f records/s  cpu: %.3f s  peak memory: %.1f MB",
                elapsedSeconds, recordsPerSecond, cpuSeconds, Double(peakMemoryBytes) / 1_048_576),
        ]
        for (name, records) in sinks { lines.append("sink \(name): \(records) records") }
        for (name, fired, late) in windows { lines.append("window \(name): \(fired) windows, \(late) late records") }
        for l in lookups {
            let rate = l.hits + l.misses == 0 ? 0 : 100 * Double(l.hits) / Double(l.hits + l.misses)
            lines.append(
                String(
                    format: "lookup %@: %d hits, %d misses (%.1f%% hits), %d round trips (mean %.3f ms), %d failed records",
                    l.name, l.hits, l.misses, rate, l.roundTrips, l.meanMilliseconds, l.failed))
        }
        if checkpointsCompleted > 0 {
            var line = "checkpoints: \(checkpointsCompleted) completed"
            if let c = lastCheckpoint {
                line += String(format: "; last #%llu: %.1f ms, %lld bytes in %d files", c.id, c.durationMilliseconds, c.sizeBytes, c.files)
            }
            lines.append(line)
        }
        if deadLettersNotShown > 0 {
            lines.append(
                "dead letters: the first \(JSONDeadLetterWriter.shownOnStderr) written to \(deadLetterDestination), "
                    + "\(deadLettersNotShown) more not shown; keep every one with "
                    + "`dead_letters: { type: file, path: dead-letters.jsonl }` in the manifest")
        } else if deadLetters > 0 {
            lines.append("dead letters written to \(deadLetterDestination)")
        }
        return lines.joined(separator: "\n")
    }
}
