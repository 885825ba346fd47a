// CheckpointedOperator: an operator whose state a checkpoint saves and a restart restores.
import RivuletSnapshot

/// An operator that keeps state between batches (windows, joins, tables, plugin operators, sinks with
/// staged output). Both calls happen between batches on the instance's task thread — or, once its task
/// has finished, on the checkpoint coordinator's — never during `process`.
public protocol CheckpointedOperator: StreamOperator {
    /// Saves everything the instance would need to go on as if it had never stopped, after the records
    /// before checkpoint `checkpoint`'s barrier and none after it. Per-key state goes into keyed entries
    /// tagged with the key's group (`KeyGroups`, the hash partitioned edges route by).
    func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws
    /// Restores what `snapshotState` saved, before the run starts (before `start`).
    func restoreState(from restore: OperatorRestore) throws
    /// Whether all of the instance's state is keyed, so it can be split over another number of instances.
    /// An operator with state of its own (a plugin's `snapshot` bytes) cannot be rescaled.
    var isRescalable: Bool { get }
}

extension CheckpointedOperator {
    public var isRescalable: Bool { true }
}

/// An operator that takes part in two-phase commit (a transactional sink): what it wrote up to a
/// checkpoint is staged at `snapshotState` and made visible only when the checkpoint is complete.
public protocol CheckpointCommitting: CheckpointedOperator {
    /// Checkpoint `id` is complete (durably written): make visible everything staged up to it. Called on
    /// the coordinator's thread, concurrently with `process` (which stages later output elsewhere); must
    /// be idempotent, since a restart repeats the commits the restored checkpoint recorded.
    func commit(checkpoint id: UInt64) throws
    /// Whether the output it commits can be replayed exactly (false: an at-least-once sink such as stdout).
    var isTransactional: Bool { get }
}

/// A source that can report where it is and go back there: the first half of exactly-once.
public protocol CheckpointedSource: RecordSource {
    /// Whether it can return to a position (a file: yes; stdin: no — a restart cannot read it again).
    var isReplayable: Bool { get }
    /// Saves the position after the last record handed out.
    func snapshotPosition(into writer: inout SnapshotWriter) throws
    /// Goes back to a saved position, before the run starts.
    func restorePosition(from reader: inout SnapshotReader) throws
}

/// A source that tells an external system how far it has read once that is safe: a Kafka source commits
/// its consumer group's offsets when a checkpoint completes (what was read before it is saved, and the
/// sinks have committed or flushed its results), and when a run ends without failure.
public protocol CommittingSource: CheckpointedSource {
    /// `snapshotPosition` has just saved the position of checkpoint `id` (called right after it).
    func positionSaved(checkpoint id: UInt64)
    /// Checkpoint `id` is complete and the sinks have committed: commit its position. Called on the
    /// coordinator's thread, concurrently with `fill`. A failure is reported, not fatal: the position is
    /// in the checkpoint, and the next completed checkpoint commits again.
    func checkpointCompleted(_ id: UInt64) throws
    /// The run ended without a failure, every sink flushed: commit the position after the last record.
    func runCompleted() throws
}

/// An operator whose keyed state can be taken on and given up one key group at a time while it runs:
/// with Kafka, a key group is a partition of the operator's repartition topic, and partitions move
/// between processes when the consumer group rebalances. Both calls happen on the instance's task thread
/// between batches.
public protocol KeyGroupStateOperator: CheckpointedOperator {
    /// Adds the keyed entries of `restore`, all of key group `group` (which this instance does not hold
    /// yet), to the live state.
    func adopt(_ restore: OperatorRestore, group: Int) throws
    /// Forgets every key of `groups`, emitting nothing (their new owner restores them).
    func drop(groups: Set<Int>)
}
