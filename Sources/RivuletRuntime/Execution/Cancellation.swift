// Cancellation: the run-wide stop signal and the first failure, shared by every task thread.
import Atomics
import Foundation

/// Set once when any task fails (or the user interrupts); every blocking loop checks it, so no task waits
/// forever on a ring whose other side has died.
public final class Cancellation: @unchecked Sendable {
    private let flag = ManagedAtomic<Bool>(false)
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
}

/// Thrown out of a blocked loop when the run was cancelled by another task's failure.
public struct RunCancelled: Error, CustomStringConvertible {
    public var description: String { "cancelled" }
}
