// CheckpointSpec: the manifest's `checkpoint:` section: how often to checkpoint, where, and how many to keep.

/// `checkpoint: { interval: 1s, dir: checkpoints, retain: 3, timeout: 10m }`. Present: the run takes
/// aligned checkpoints every `interval` into `dir` (relative to the manifest), keeps the newest `retain`
/// complete ones, and resumes from the newest at start. A checkpoint not complete within `timeout` is
/// abandoned (the next one starts).
public struct CheckpointSpec: Sendable, Hashable {
    /// Milliseconds between the start of one checkpoint and the next.
    public var interval: Int64
    /// The absolute folder holding `chk-N/`.
    public var directory: String
    public var retain: Int
    /// Milliseconds a checkpoint may take before it is abandoned.
    public var timeout: Int64
    public var location: SourceLocation

    public static let defaultInterval: Int64 = 1_000
    public static let defaultRetain = 3
    public static let defaultTimeout: Int64 = 600_000

    public init(interval: Int64, directory: String, retain: Int, timeout: Int64, location: SourceLocation) {
        self.interval = interval
        self.directory = directory
        self.retain = retain
        self.timeout = timeout
        self.location = location
    }
}
