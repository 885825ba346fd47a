// RedisServer: a real redis-server on a loopback port for the duration of a test.
import Foundation

/// Starts `redis-server` (Debian's, from PATH) on a free loopback port, without persistence; `stop()` or
/// deinit ends it. `command` runs redis-cli against it.
public final class RedisServer: @unchecked Sendable {
    public let port: Int
    private let process: Process

    public init() throws {
        var lastError: Error?
        for attempt in 0..<20 {
            let port = 20_000 + Int.random(in: 0..<20_000) + attempt
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do {
                try p.run()
            } catch {
                lastError = error
                continue
            }
            // Ready when it answers PING.
            for _ in 0..<100 {
                if !p.isRunning { break }
                if (try? Self.cli(port, ["PING"])) == "PONG" {
                    self.port = port
                    self.process = p
                    return
                }
                usleep(20_000)
            }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        throw lastError ?? NSError(domain: "RedisServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "redis-server did not start (is it installed? apt-get install redis-server)"])
    }

    deinit { stop() }

    public var address: String { "127.0.0.1:\(port)" }

    /// Kills the server (SIGKILL: a crash, not a clean shutdown — and a signal no test runner's signal
    /// mask can hold back) and waits for it.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs `redis-cli -p <port> args…` and returns its output, trimmed.
    @discardableResult
    public func command(_ args: [String]) throws -> String { try Self.cli(port, args) }

    static func cli(_ port: Int, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["redis-cli", "-p", "\(port)"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
