// SignalWait: blocks until SIGINT or SIGTERM, for commands that serve until stopped (`rivulet kafka mock`).
import Dispatch
import Foundation

/// From creation until `uninstall()`, SIGINT and SIGTERM no longer end the process (`SignalSources`);
/// `wait()` returns the first one, received before or during the call.
final class SignalWait: @unchecked Sendable {
    private var sources: SignalSources?
    private let arrived = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var first: Int32?

    init() {
        sources = SignalSources { [unowned self] signo in
            let isFirst = lock.withLock { () -> Bool in
                if first != nil { return false }
                first = signo
                return true
            }
            if isFirst { arrived.signal() }
        }
    }

    /// Blocks until a signal has arrived; returns it.
    func wait() -> Int32 {
        arrived.wait()
        arrived.signal()  // a later `wait()` returns at once too
        return lock.withLock { first! }
    }

    /// Hears no more signals; their default handlers come back.
    func uninstall() {
        sources?.cancel()
    }
}
