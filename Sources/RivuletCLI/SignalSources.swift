// SignalSources: SIGINT and SIGTERM heard through dispatch sources instead of ending the process.
import Dispatch
import Foundation

/// While it lives (until `cancel()`), SIGINT and SIGTERM are ignored by every thread — so one arriving
/// while a library starts its threads cannot end the process — and passed to `handler`, on a global
/// queue, as dispatch sources see them. `cancel()` gives both their default handlers back.
final class SignalSources: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { handler(signo) }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
