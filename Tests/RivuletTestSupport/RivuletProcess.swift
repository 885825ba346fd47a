// RivuletProcess: runs the built `rivulet` binary under a deadline and reports how it ended.
import Foundation

/// One run of the built `rivulet`: its exit status (or the signal that ended it), what it printed, and
/// whether it outlived its deadline (it is then killed). Output is read while it runs, so a chatty
/// process never blocks on a full pipe; every pipe is closed after use (Foundation's `Process.run`
/// crashes once the test process has about a thousand descriptors open).
public struct RivuletProcess: Sendable {
    /// The exit status, or the signal number when `signaled`.
    public let status: Int32
    /// Whether a signal ended it (a crash: SIGILL, SIGSEGV, SIGABRT… or the deadline's SIGKILL).
    public let signaled: Bool
    /// Whether it was still running at the deadline.
    public let timedOut: Bool
    public let stdout: String
    public let stderr: String
    /// How long it ran.
    public let seconds: Double

    /// The binary `swift build` made.
    public static var binary: String { Fixtures.productsDirectory + "/rivulet" }

    /// "exit 2", "signal 4", "killed at the deadline": for messages.
    public var ending: String {
        timedOut ? "killed at the deadline after \(seconds) s" : signaled ? "signal \(status)" : "exit \(status)"
    }

    /// Runs `rivulet arguments` with `input` on stdin (nothing: /dev/null); kills it after `deadline` seconds.
    public static func run(
        _ arguments: [String], deadline: Double = 30, input: String? = nil,
        environment: [String: String]? = nil, in folder: String? = nil
    ) throws -> RivuletProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe(), inPipe = input.map { _ in Pipe() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe ?? FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        let readers = DispatchGroup()
        // Each is written by its reader thread only, and read after `readers.wait()`.
        nonisolated(unsafe) var stdout = Data(), stderr = Data()
        readers.enter()
        DispatchQueue.global().async {
            stdout = out.fileHandleForReading.readDataToEndOfFile()
            try? out.fileHandleForReading.close()
            readers.leave()
        }
        readers.enter()
        DispatchQueue.global().async {
            stderr = err.fileHandleForReading.readDataToEndOfFile()
            try? err.fileHandleForReading.close()
            readers.leave()
        }
        let start = Date()
        try process.run()
        if let input, let inPipe {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        var timedOut = false
        if ended.wait(timeout: .now() + deadline) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
        }
        readers.wait()
        return RivuletProcess(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
            seconds: Date().timeIntervalSince(start))
    }
}
