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

extension ManifestDecoder {
    /// With checkpoints, file sources and file sinks are exactly-once; say which parts are not.
    mutating func warnAboutGuarantees(_ manifest: Manifest) {
        for source in manifest.sources where source.kind == .stdin {
            warning(
                source.location,
                "source '\(source.name)' reads stdin, which cannot be read again: after a restart, what it delivered since the last "
                    + "checkpoint is not replayed (at most once for its records); read a file for exactly-once")
        }
        for sink in manifest.sinks where sink.kind == .stdout {
            warning(
                sink.location,
                "sink '\(sink.name)' writes to stdout, which cannot take back output: after a restart it writes again what it wrote "
                    + "since the last checkpoint (at least once); write a file for exactly-once")
        }
        if let deadLetters = manifest.deadLetters {
            warning(
                deadLetters.location,
                "dead letters are written as they happen, not at checkpoints: after a restart, records dead-lettered since the last "
                    + "checkpoint are dead-lettered again (at least once)")
        }
    }
}
