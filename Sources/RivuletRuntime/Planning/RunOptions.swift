// RunOptions: how a plan is built and run: batch size, ring capacity, plugin search path, checkpoint resume.
import Foundation

/// Settings of a run that do not belong in the manifest.
public struct RunOptions: Sendable {
    /// Records per batch for sources that do not set `batch_size` (and for operator outputs).
    public var batchSize: Int = 1024
    /// Elements (batches or control events) each ring between tasks holds; a full ring blocks its producer.
    public var ringCapacity: Int = 64
    /// Folders searched for plugins named by library; nil: `PluginLoader.defaultSearchPaths`.
    public var pluginSearchPaths: [String]? = nil
    /// Benchmarks: replace every source with a generator of its shape (`rivulet bench --events`).
    public var generatorOverride: GeneratorOverride? = nil
    /// Benchmarks: record end-to-end latency of generated records at every sink.
    public var latency: LatencyRecorder? = nil
    /// false: a plan that is checked, never run (`rivulet validate`, `describe`) — a RocksDB store is a
    /// throwaway memory store and no store gets its changelog, so planning creates no RocksDB database,
    /// changelog or state folder and replays nothing. Such a plan must not be run.
    public var openStores: Bool = true
    /// The checkpoint the run starts from (nil: a fresh start). Operators, sources, sinks and stores are
    /// restored from it while planning. Set by the planner from `resume` when the manifest checkpoints.
    public var restore: RestorePoint? = nil
    /// Where a checkpointed run resumes from: the newest complete checkpoint in its folder (the default),
    /// a given checkpoint folder (`--from-checkpoint`), or nowhere.
    public var resume: Resume = .latest
    /// Restore a checkpoint that holds state of nodes the manifest no longer has (dropping that state).
    public var allowNonRestoredState = false
    /// Where checkpoint messages go (which checkpoint a run resumes, a checkpoint that failed).
    public var report: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data(("rivulet: " + message + "\n").utf8))
    }

    public enum Resume: Sendable {
        case latest
        case fresh
        case checkpoint(path: String)
    }

    public init(batchSize: Int = 1024, ringCapacity: Int = 64, pluginSearchPaths: [String]? = nil) {
        self.batchSize = batchSize
        self.ringCapacity = ringCapacity
        self.pluginSearchPaths = pluginSearchPaths
    }
}

/// What replaces a manifest's sources in a benchmark: generators of `events` records each over `keys`
/// keys, paced at `rate` records/s per source when given. A `generator` source keeps its own fields; any
/// other source is replaced by a `SchemaGenerator` with its declared (or CSV header's) fields.
public struct GeneratorOverride: Sendable {
    public var events: Int
    public var keys: Int
    public var rate: Double?
    public var seed: UInt64

    public init(events: Int, keys: Int, rate: Double?, seed: UInt64 = 42) {
        self.events = events
        self.keys = keys
        self.rate = rate
        self.seed = seed
    }
}
