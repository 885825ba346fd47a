// RestorePoint: the complete checkpoint a run starts from: its folder and its verified metadata.

/// A checkpoint chosen to restore from (the newest complete one in the checkpoint folder, or
/// `--from-checkpoint`), its files already checked against `_metadata`.
public struct RestorePoint: Sendable {
    /// The checkpoint's folder (`…/chk-N`).
    public let directory: String
    public let metadata: CheckpointMetadata

    public init(directory: String, metadata: CheckpointMetadata) {
        self.directory = directory
        self.metadata = metadata
    }

    /// The path of `relative` inside the checkpoint.
    public func path(_ relative: String) -> String { directory + "/" + relative }

    /// Whether the checkpoint holds `relative`.
    public func has(_ relative: String) -> Bool { metadata.files.contains { $0.path == relative } }
}
