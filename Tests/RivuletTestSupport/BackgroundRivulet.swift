// BackgroundRivulet: a `rivulet` process left running while a test watches its stderr and signals it.
import Foundation

/// Starts `rivulet arguments` in the background; its stderr is collected as it comes (`stderr`), so a
/// test can wait for a line ("assigned …") before it acts, then stop it with a signal and collect the
/// ending. Killed with SIGKILL on deinit if still running.
public final class BackgroundRivulet: @unchecked Sendable {
    private let process = Process()
    private let collected = Collected()
    private let ended = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)
    private let started = Date()

    public init(_ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: RivuletProcess.binary)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [ended] _ in ended.signal() }
        let handle = err.fileHandleForReading
        DispatchQueue.global().async { [collected, drained] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                collected.append(chunk)
            }
            drained.signal()
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything written to stderr so far.
    public var stderr: String { collected.text }

    public var isRunning: Bool { process.isRunning }

    public func signal(_ signo: Int32) { kill(process.processIdentifier, signo) }

    /// Waits for the process to end (SIGKILL after `timeout` seconds) and returns how it ended.
    public func wait(timeout: Double = 120) -> RivuletProcess {
        var timedOut = false
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
        }
        // A crashed process's backtracer (swift-backtrace) can outlive it holding stderr open: the
        // pipe's end is not waited for past 30 s, so a crash fails the test instead of hanging it.
        _ = drained.wait(timeout: .now() + 30)
        return RivuletProcess(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut, stdout: "",
            stderr: stderr, seconds: Date().timeIntervalSince(started))
    }
}

/// Bytes appended by a reader thread and read by the test's thread.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
