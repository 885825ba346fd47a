// BenchReport: everything `rivulet bench` measured in one run, as written to the terminal, JSON and HTML.
import Foundation

/// The result of a benchmark run. Rates exclude the warm-up: they are the counters' change between the
/// first sample after the warm-up and the end of the run, divided by that time.
public struct BenchReport: Codable, Sendable {
    public struct Settings: Codable, Sendable {
        public var manifest: String
        /// Generated records per source (nil: the manifest's own sources).
        public var events: Int?
        public var keys: Int?
        /// Paced rate per source, records/s (nil: flat out).
        public var rate: Double?
        public var warmupSeconds: Double
        public var intervalSeconds: Double
        public var batchSize: Int
        public var ringCapacity: Int
        public var nullSinks: Bool

        public init(
            manifest: String, events: Int?, keys: Int?, rate: Double?, warmupSeconds: Double, intervalSeconds: Double,
            batchSize: Int, ringCapacity: Int, nullSinks: Bool
        ) {
            self.manifest = manifest
            self.events = events
            self.keys = keys
            self.rate = rate
            self.warmupSeconds = warmupSeconds
            self.intervalSeconds = intervalSeconds
            self.batchSize = batchSize
            self.ringCapacity = ringCapacity
            self.nullSinks = nullSinks
        }
    }

    public struct Machine: Codable, Sendable {
        public var cpu: String
        public var cores: Int
        public var memoryBytes: UInt64
        public var system: String
    }

    /// One instance of a node: its rates over the measured time and its totals over the whole run.
    public struct Operator: Codable, Sendable {
        public var node: String
        public var instance: Int
        public var role: String
        public var recordsInPerSecond: Double
        public var recordsOutPerSecond: Double
        public var recordsIn: Int64
        public var recordsOut: Int64
        public var errors: Int64
    }

    public struct Ring: Codable, Sendable {
        public var label: String
        public var capacity: Int
        public var recordsPerSecond: Double
        /// Mean and largest sampled occupancy, as a fraction of the capacity.
        public var meanOccupancy: Double
        public var maxOccupancy: Double
        /// The fraction of the measured time its producer waited for room (backpressure).
        public var blockedFraction: Double
    }

    public struct Store: Codable, Sendable {
        public var name: String
        public var owner: String
        public var keys: Int64
        public var bytes: Int64
        public var commits: Int64
        public var meanCommitMicroseconds: Double
    }

    /// End-to-end latency of generated records, from their due time to the sink, in µs.
    public struct Latency: Codable, Sendable {
        public struct Bucket: Codable, Sendable {
            /// Latencies in [from, to) µs.
            public var from: UInt64
            public var to: UInt64
            public var count: UInt64
        }

        public var count: UInt64
        /// Records that reached a sink without a generator's stamp (window results, joins' table side…).
        public var unstamped: Int64
        public var mean: Double
        public var p50: UInt64
        public var p90: UInt64
        public var p99: UInt64
        public var p999: UInt64
        public var max: UInt64
        public var buckets: [Bucket]
    }

    /// The checkpoints taken during the whole run (warm-up and the run's final checkpoint included).
    public struct Checkpoints: Codable, Sendable {
        public var completed: Int64
        public var failed: Int64
        /// The newest completed checkpoint, its duration (start to durable) and the bytes of its files.
        public var lastID: UInt64?
        public var lastDurationMilliseconds: Double
        public var lastSizeBytes: Int64
        public var meanDurationMilliseconds: Double
        public var maxDurationMilliseconds: Double
        /// Time input channels were held back for barrier alignment, summed over every task.
        public var alignmentMilliseconds: Double
        /// Every completed checkpoint (the newest 1,000), oldest first.
        public var taken: [Taken]

        public struct Taken: Codable, Sendable {
            public var id: UInt64
            public var durationMilliseconds: Double
            public var sizeBytes: Int64
            public var files: Int
            /// The run's final checkpoint (or a stop's savepoint).
            public var final: Bool
        }
    }

    /// A sample: seconds since the start, and the rates over the interval that ended then.
    public struct Point: Codable, Sendable {
        public var seconds: Double
        public var recordsInPerSecond: Double
        public var recordsOutPerSecond: Double
    }

    public var settings: Settings
    public var machine: Machine
    public var totalSeconds: Double
    public var measuredSeconds: Double
    /// Records read by the sources during the measured time, and per second.
    public var recordsIn: Int64
    public var recordsInPerSecond: Double
    /// Records written by the sinks during the measured time, per second.
    public var recordsOutPerSecond: Double
    public var cpuSeconds: Double
    public var peakMemoryBytes: Int
    public var deadLetters: Int64
    public var operators: [Operator]
    public var rings: [Ring]
    public var stores: [Store]
    public var latency: Latency?
    /// Nil when the run took no checkpoints (no `checkpoint.interval`/`checkpoint.dir`).
    public var checkpoints: Checkpoints?
    public var timeline: [Point]
    /// Throughput of every run when several were made (the report is the median one's).
    public var runs: [Double]
    public var notes: [String]

    /// CPU cores kept busy on average during the measured time.
    public var coresBusy: Double { measuredSeconds > 0 ? cpuSeconds / measuredSeconds : 0 }
}
