// ExecutionPlan+StoreSnapshots: saving a task's state stores into a checkpoint (placeholder until stores take part).

extension ExecutionPlan {
    /// Saves the state stores of task `task` into `directory`; returns the files written, relative to it.
    func snapshotStores(ofTask task: Int, into directory: String) throws -> [String] { [] }
}
