// Cancellation: the run-wide stop signal and the first failure, shared by every task thread.
import Atomics
import Foundation

/// Set once when any task fails (or the user interrupts); every blocking loop checks it, so no task waits
/// forever on a ring whose other side has died. Separately, a stop request makes every source end its
/// input at the next batch, so everything read so far still flows to the sinks (a graceful stop).
public final class Cancellation: @unchecked Sendable {
    private let flag = ManagedAtomic<Bool>(false)
    private let stop = ManagedAtomic<Bool>(false)
    private let lock = NSLock()
    private var failure: Error?

    public init() {}

    public var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// Records `error` as the run's failure (the first one wins) and stops every task.
    public func fail(_ error: Error) {
        lock.withLock { if failure == nil { failure = error } }
        flag.store(true, ordering: .releasing)
    }

    public var firstFailure: Error? { lock.withLock { failure } }

    /// Sources end their input before their next batch; the rest of the run drains as at the end of input.
    public func requestStop() { stop.store(true, ordering: .releasing) }

    public var isStopRequested: Bool { stop.load(ordering: .acquiring) }

    /// Stops every task at once without a failure: the run was saved by a checkpoint (stop with
    /// savepoint) and what is in flight after it is dropped, to be replayed by the run that resumes it.
    public func halt() {
        halted.store(true, ordering: .releasing)
        flag.store(true, ordering: .releasing)
    }

    private let halted = ManagedAtomic<Bool>(false)

    public var isHalted: Bool { halted.load(ordering: .acquiring) }
}

/// The run was stopped at once (a second interrupt): nothing in flight is written, stores are not committed.
public struct RunAborted: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Thrown out of a blocked loop when the run was cancelled by another task's failure.
public struct RunCancelled: Error, CustomStringConvertible {
    public var description: String { "cancelled" }
}
