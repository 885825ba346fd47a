// StopSignals: SIGINT and SIGTERM stop a run gracefully; a second one stops it at once.
import Dispatch
import Foundation
import RivuletRuntime

/// While installed, the first SIGINT or SIGTERM asks the plan to stop gracefully (sources end their input,
/// everything read is processed and written, stores commit, the summary is printed); a second one aborts
/// the run (nothing in flight is written, stores are not committed). The default handlers come back on
/// `uninstall()`.
final class StopSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var received: [Int32] = []

    /// The first signal received, if any.
    var first: Int32? { lock.withLock { received.first } }

    init(plan: ExecutionPlan) {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [unowned self] in
                let count = lock.withLock { () -> Int in
                    received.append(signo)
                    return received.count
                }
                let name = StopSignals.name(signo)
                if count == 1 {
                    FileHandle.standardError.write(
                        Data(
                            "\nrivulet: \(name): stopping — sources end their input here; everything read is processed and written (\(name) again to stop at once)\n"
                                .utf8))
                    plan.requestStop()
                } else {
                    plan.abort("stopped at once by a second \(name): records in flight were not written and stores were not committed")
                    // A task blocked in a system call (a sink writing to a pipe nobody reads) cannot see the
                    // abort: a second signal must still end the process, so it exits a second later regardless.
                    DispatchQueue.global().asyncAfter(deadline: .now() + 1) {
                        FileHandle.standardError.write(
                            Data("rivulet: \(name) again: a task is blocked (an output nobody reads?); exiting now\n".utf8))
                        _exit(128 + signo)
                    }
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func uninstall() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    static func name(_ signo: Int32) -> String { signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "signal \(signo)" }
}
