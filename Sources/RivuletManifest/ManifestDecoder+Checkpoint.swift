// ManifestDecoder+Checkpoint: the `checkpoint` section and `max_parallelism`.

extension ManifestDecoder {
    static let checkpointKeys = ["interval", "dir", "retain", "timeout"]

    /// Decodes `checkpoint: { interval, dir, retain, timeout }` (every key optional).
    mutating func checkpoint(_ node: YAMLNode, location: SourceLocation) -> CheckpointSpec? {
        guard let m = fields(node, "checkpoint", allowed: Self.checkpointKeys, required: []) else { return nil }
        let interval = duration(m["interval"], .checkpointInterval) ?? CheckpointSpec.defaultInterval
        let timeout = duration(m["timeout"], .checkpointTimeout) ?? CheckpointSpec.defaultTimeout
        let retain = integer(m["retain"], .checkpointRetain) ?? CheckpointSpec.defaultRetain
        let directory = string(m["dir"], "dir").map { absolute($0) } ?? absolute("checkpoints")
        return CheckpointSpec(interval: interval, directory: directory, retain: retain, timeout: timeout, location: location)
    }
}
