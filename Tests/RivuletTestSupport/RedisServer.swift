// RedisServer: a real redis-server on a loopback port for the duration of a test, optionally with AUTH or TLS.
import Foundation

/// Starts `redis-server` (Debian's, from PATH) on a free loopback port, without persistence; `stop()` or
/// deinit ends it. With `password`, the default user needs it (`requirepass`); `arguments` are more
/// configuration (`--user alice on >pw ~* +@all`); with `tls`, it listens only for TLS, on `port`, with
/// the certificates' server certificate, and requires client certificates when `requireClientCertificates`.
/// `command` runs redis-cli against it (authenticated and over TLS as needed).
public final class RedisServer: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let cliArguments: [String]

    public init(password: String? = nil, arguments: [String] = [], tls: TestCertificates? = nil, requireClientCertificates: Bool = false) throws {
        var lastError: Error?
        let log = Fixtures.temporaryDirectory("rivulet-redis") + "/redis.log"
        for attempt in 0..<20 {
            let port = 20_000 + Int.random(in: 0..<20_000) + attempt
            var serverArguments = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--logfile", log]
            var cli = ["-p", "\(port)"]
            if let tls {
                serverArguments += [
                    "--port", "0", "--tls-port", "\(port)", "--tls-cert-file", tls.serverCertificate,
                    "--tls-key-file", tls.serverKey, "--tls-ca-cert-file", tls.caFile,
                    "--tls-auth-clients", requireClientCertificates ? "yes" : "no",
                ]
                cli += ["--tls", "--cacert", tls.caFile, "--cert", tls.clientCertificate, "--key", tls.clientKey]
            } else {
                serverArguments += ["--port", "\(port)"]
            }
            if let password {
                serverArguments += ["--requirepass", password]
                cli += ["--no-auth-warning", "-a", password]
            }
            try? FileManager.default.removeItem(atPath: log)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["redis-server"] + serverArguments + arguments
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do {
                try p.run()
            } catch {
                lastError = error
                continue
            }
            // Ready when it answers PING; a server that exits (its port was taken) is retried on another.
            var ready = false
            waitUntil(timeout: 60, interval: 0.02) {
                ready = p.isRunning && (try? Self.cli(cli, ["PING"])) == "PONG"
                return ready || !p.isRunning
            }
            if ready {
                self.port = port
                self.process = p
                cliArguments = cli
                return
            }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
            let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n")
            lastError = NSError(domain: "RedisServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "redis-server did not start: \(tail)"])
            if tail.contains("Bad directive") || tail.contains("Failed to configure TLS") { break }  // a setting it refuses: retrying cannot help
        }
        throw lastError
            ?? NSError(
                domain: "RedisServer", code: 1,
                userInfo: [NSLocalizedDescriptionKey: "redis-server did not start (is it installed? apt-get install redis-server)"])
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
    public func command(_ args: [String]) throws -> String { try Self.cli(cliArguments, args) }

    static func cli(_ connection: [String], _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["redis-cli"] + connection + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        try? out.fileHandleForReading.close()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// nil when this redis-server serves TLS (it starts with a TLS port and answers PING over TLS),
    /// else why not. Tried once per test process.
    public static let tlsUnavailable: String? = {
        do {
            _ = try RedisServer(tls: TestCertificates())
            return nil
        } catch {
            return "\(error)"
        }
    }()
}
