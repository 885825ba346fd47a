// KafkaMockProcess: a real `rivulet kafka mock` child process for a test: a mock Kafka cluster with topics, until stopped.
import Foundation

/// Runs the built `rivulet kafka mock --brokers N --topic NAME:PARTITIONS… --bootstrap-file F` and waits
/// until F exists (the cluster is up and every topic created). Clients connect to `bootstrapServers`.
/// `stop()` — or deinit — sends SIGTERM and waits for the process to end.
///
///     let mock = try KafkaMockProcess.start(brokers: 1, topics: ["in:6", "out:1"])
///     … rivulet kafka produce in data.csv --bootstrap-servers \(mock.bootstrapServers) …
///     mock.stop()
public final class KafkaMockProcess: @unchecked Sendable {
    public let bootstrapServers: String
    /// The folder holding the bootstrap file and what the process printed.
    public let folder: String
    private let process: Process
    private let lock = NSLock()
    private var status: Int32?

    private init(process: Process, folder: String, bootstrapServers: String) {
        self.process = process
        self.folder = folder
        self.bootstrapServers = bootstrapServers
    }

    deinit { stop() }

    /// The file `--bootstrap-file` names (removed by the mock when it stops).
    public var bootstrapFile: String { folder + "/bootstrap.servers" }
    /// What the process printed on stdout (`bootstrap.servers=…`) and stderr (`created topic …`).
    public var stdout: String { Fixtures.read(folder + "/stdout") }
    public var stderr: String { Fixtures.read(folder + "/stderr") }

    /// Starts a mock of `brokers` brokers with `topics` (each `NAME:PARTITIONS`); `arguments` are added to
    /// the command line. Throws, with what the process printed, when it exits or does not get ready within
    /// `timeout` seconds.
    public static func start(brokers: Int = 1, topics: [String] = [], arguments: [String] = [], timeout: Double = 60) throws -> KafkaMockProcess {
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-mock")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RivuletProcess.binary)
        process.arguments =
            ["kafka", "mock", "--brokers", "\(brokers)", "--bootstrap-file", folder + "/bootstrap.servers"] + topics.flatMap { ["--topic", $0] }
            + arguments
        _ = FileManager.default.createFile(atPath: folder + "/stdout", contents: nil)
        _ = FileManager.default.createFile(atPath: folder + "/stderr", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/stdout"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/stderr"))
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let file = folder + "/bootstrap.servers"
        waitUntil(timeout: timeout, interval: 0.01) { FileManager.default.fileExists(atPath: file) || !process.isRunning }
        let servers = Fixtures.read(file).trimmingCharacters(in: .whitespacesAndNewlines)
        let mock = KafkaMockProcess(process: process, folder: folder, bootstrapServers: servers)
        guard process.isRunning, FileManager.default.fileExists(atPath: file) else {
            let ending = process.isRunning ? "was not ready after \(timeout) s" : "exited with status \(mock.stop())"
            throw NSError(
                domain: "KafkaMockProcess", code: 1,
                userInfo: [NSLocalizedDescriptionKey: "rivulet kafka mock \(ending): \(mock.stderr)"])
        }
        return mock
    }

    /// Sends `signal` (SIGTERM unless told) and waits for the process to end — SIGKILL after 60 s — then
    /// returns its exit status (128 + the signal when a signal ended it). Stopping again returns the same.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        lock.withLock {
            if let status { return status }
            if process.isRunning { kill(process.processIdentifier, signal) }
            if !waitUntil(timeout: 60, interval: 0.01, { !process.isRunning }) {
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            let ended = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            status = ended
            return ended
        }
    }
}
