// BarrierHandler: what tasks call when a checkpoint barrier passes them (the runtime's checkpoint coordinator).

/// The task side of checkpointing. A source task asks between batches whether to inject a barrier; any
/// task whose inputs have all delivered barrier n (or that injected it) asks the handler to save its
/// state, then forwards the barrier on its outgoing edges. A task that has finished tells the handler,
/// which saves finished tasks' state itself from then on. Called from task threads concurrently.
public protocol BarrierHandler: AnyObject, Sendable {
    /// The checkpoint a source task should start now (its barrier injected before its next batch), if a
    /// newer one than `last` has been triggered.
    func barrierToInject(after last: UInt64) -> UInt64?
    /// Every input of `task` delivered barrier `id` (or the task injected it): save the task's state. On the
    /// task's thread, before the barrier goes on; a failure fails the checkpoint, not the run.
    func snapshot(_ task: ExecutionTask, checkpoint id: UInt64)
    /// `task` has finished every step (its thread is about to end): it will never see another barrier.
    func finished(_ task: ExecutionTask)
    /// Starts a checkpoint now (or returns the one started and not yet injected after `last`): a source
    /// that must commit before it gives up input (a Kafka rebalance under exactly-once). Waits until it
    /// has started; throws if it cannot start or the run is failing.
    func startCheckpoint(after last: UInt64) throws -> UInt64
    /// Waits until checkpoint `id` is complete (committed); throws if it failed or was abandoned, or
    /// the run is failing.
    func awaitCompletion(of id: UInt64) throws
}
