// WindowEntry: one live window (or sliding-window pane) of one key: its bounds and emission state.
/// A window of one key. Its index is also its accumulator slot in the operator's `AccumulatorSlab`.
struct WindowEntry {
    var key: Int32
    var start: Int64
    /// Exclusive end.
    var end: Int64
    /// Bumped whenever the window is freed or its bounds change, so stale `FireQueue` items are skipped.
    var generation: UInt32
    var live: Bool
    /// `emit: update`: a result for the window is out (the next change retracts it first).
    var emitted: Bool
    /// A sliding-window pane (the records of one key at one time), not a window: never emitted; its
    /// FireQueue item frees it once no window can include it any more.
    var isPane: Bool = false
}
