// StopSignals: SIGINT and SIGTERM stop a run gracefully; a second one stops it at once.
import Dispatch
import Foundation
import RivuletRuntime

/// While installed, the first SIGINT or SIGTERM asks the plan to stop gracefully (sources end their input,
/// everything read is processed and written, stores commit, the summary is printed — or, with checkpoints,
/// a savepoint is taken); a second one aborts the run (nothing in flight is written, stores are not
/// committed). Installed before planning: a first signal that arrives while the plan is built (a restore
/// can take a while) stops the run as soon as it is attached; a second one then exits at once (planning
/// writes nothing a crash could not leave). The default handlers come back on `uninstall()`.
final class StopSignals: @unchecked Sendable {
    private var sources: SignalSources?
    private let lock = NSLock()
    private var received: [Int32] = []
    private var plan: ExecutionPlan?

    /// The first signal received, if any.
    var first: Int32? { lock.withLock { received.first } }

    /// The plan to stop, once built; a signal received before is passed on now.
    func attach(_ plan: ExecutionPlan) {
        let pending = lock.withLock { () -> Bool in
            self.plan = plan
            return !received.isEmpty
        }
        if pending { plan.requestStop() }
    }

    init() {
        sources = SignalSources { [unowned self] signo in heard(signo) }
    }

    /// Stops the plan (the first signal) or aborts it (a second one).
    private func heard(_ signo: Int32) {
        let count = lock.withLock { () -> Int in
            received.append(signo)
            return received.count
        }
        let name = StopSignals.name(signo)
        let plan = lock.withLock { self.plan }
        if count == 1 {
            let how =
                plan == nil
                ? "the run stops as soon as it has started"
                : plan!.takesCheckpoints
                    ? "taking a savepoint, then stopping"
                    : "sources end their input here; everything read is processed and written"
            FileHandle.standardError.write(Data("\nrivulet: \(name): stopping — \(how) (\(name) again to stop at once)\n".utf8))
            plan?.requestStop()
        } else if let plan {
            plan.abort("stopped at once by a second \(name): records in flight were not written and stores were not committed")
            // A task blocked in a system call (a sink writing to a pipe nobody reads) cannot see the
            // abort: a second signal must still end the process, so it exits a second later regardless.
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) {
                FileHandle.standardError.write(
                    Data("rivulet: \(name) again: a task is blocked (an output nobody reads?); exiting now\n".utf8))
                _exit(128 + signo)
            }
        } else {
            FileHandle.standardError.write(Data("rivulet: \(name) again while starting: exiting now\n".utf8))
            _exit(128 + signo)
        }
    }

    func uninstall() {
        sources?.cancel()
    }

    static func name(_ signo: Int32) -> String { signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "signal \(signo)" }
}
