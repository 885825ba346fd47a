// CheckpointNotPossible: a source asked for a checkpoint in a run that takes none.

/// A source needed a checkpoint right away (to commit before giving up input) but the run takes no
/// checkpoints.
public struct CheckpointNotPossible: Error, CustomStringConvertible {
    public let task: String
    public var description: String { "task '\(task)' needs a checkpoint, but this run takes none" }
}
