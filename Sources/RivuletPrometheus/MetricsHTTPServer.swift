// MetricsHTTPServer: a minimal HTTP/1.1 server on loopback that answers GET /metrics (Prometheus scrapes).
import Foundation
import RivuletCore

/// Listens on 127.0.0.1 only and serves every connection from one thread with `poll()`, so an idle or
/// slow client cannot delay anyone else's scrape. `GET /metrics` gets `body()` as
/// `text/plain; version=0.0.4`, any other request 404; no keep-alive. Bounds:
/// - at most `maxConnections` connections are served at once; one more is answered 503 at once and closed;
/// - each connection has `connectionTimeout` seconds in all to send its request head and take the
///   response, then it is closed (answered or not);
/// - a request head over 8 KiB is answered 431.
/// Enough for Prometheus and curl; not a general web server. `body()` runs on the serving thread.
///
/// Unsafe code: BSD sockets through Glibc, all non-blocking. The listener, the client sockets and the
/// pipe's read end are owned by the serving thread, which closes them when it ends; `stop()` wakes it
/// through the pipe, waits for it, then closes the pipe's write end.
public final class MetricsHTTPServer: @unchecked Sendable {
    public static let defaultMaxConnections = 16
    public static let defaultConnectionTimeout = 2.0

    public let port: Int
    public let maxConnections: Int
    public let connectionTimeout: Double
    private let listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let body: () -> [UInt8]
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    /// Binds 127.0.0.1:`port` (0: any free port; `port` then tells which) and starts serving.
    /// `maxConnections` ≥ 1; `connectionTimeout` in seconds, > 0.
    public init(
        port: Int, maxConnections: Int = defaultMaxConnections, connectionTimeout: Double = defaultConnectionTimeout,
        body: @escaping () -> [UInt8]
    ) throws {
        guard (0...65535).contains(port) else { throw MetricsServerError("port must be 0…65535 (0: any free port), got \(port)") }
        guard maxConnections >= 1 else { throw MetricsServerError("the connection limit must be at least 1, got \(maxConnections)") }
        guard connectionTimeout > 0, connectionTimeout.isFinite else {
            throw MetricsServerError("the connection timeout must be a positive number of seconds, got \(connectionTimeout)")
        }
        self.body = body
        self.maxConnections = maxConnections
        self.connectionTimeout = connectionTimeout
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MetricsServerError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw MetricsServerError("cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw MetricsServerError("cannot create the wake-up pipe: \(reason)")
        }
        Self.setNonBlocking(fd)
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
        let thread = Thread { [self] in serve() }
        thread.name = "rivulet-metrics"
        thread.start()
    }

    static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// The poll loop: wake-up pipe, listener, then every connection (input while reading, output while
    /// writing); the poll timeout is the nearest connection deadline. Ends when the pipe is readable.
    private func serve() {
        var connections: [MetricsConnection] = []
        defer {
            for c in connections { close(c.fd) }
            close(listener)
            close(wakeRead)
            finished.signal()
        }
        // After too many open files, accepting pauses briefly instead of spinning on a readable listener.
        var acceptPausedUntil: UInt64 = 0
        while true {
            let now = Clock.monotonicNanoseconds()
            connections.removeAll { c in
                guard c.step == .done || c.deadline <= now else { return false }
                close(c.fd)
                return true
            }
            let listening = now >= acceptPausedUntil
            var fds = [
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listening ? listener : -1, events: Int16(POLLIN), revents: 0),
            ]
            for c in connections {
                fds.append(pollfd(fd: c.fd, events: Int16(c.step == .writing ? POLLOUT : POLLIN), revents: 0))
            }
            var wait = connections.map(\.deadline).min().map { Int64($0 - now) } ?? -1
            if !listening { wait = wait < 0 ? Int64(acceptPausedUntil - now) : min(wait, Int64(acceptPausedUntil - now)) }
            let timeout: Int32 = wait < 0 ? -1 : Int32(min(wait / 1_000_000 + 1, 60_000))
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                usleep(10_000)  // should not happen (EFAULT, ENOMEM): do not spin
                continue
            }
            if fds[0].revents != 0 { return }
            for i in connections.indices where fds[i + 2].revents != 0 {
                handle(&connections[i])
            }
            if fds[1].revents != 0 {
                if !accept(into: &connections) { acceptPausedUntil = Clock.monotonicNanoseconds() + 100_000_000 }
            }
        }
    }

    /// Moves a connection on: reads (and answers once the request is complete) or writes.
    private func handle(_ connection: inout MetricsConnection) {
        switch connection.step {
        case .reading:
            if connection.read() { connection.respond(response(to: connection.request)) }
        case .writing:
            connection.write()
        case .done:
            break
        }
    }

    /// Accepts every pending connection: served while under the limit, else answered 503 and closed.
    /// Returns false when accepting must pause (out of descriptors).
    private func accept(into connections: inout [MetricsConnection]) -> Bool {
        while true {
            let client = Glibc.accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return !(errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            }
            Self.setNonBlocking(client)
            if connections.count >= maxConnections {
                var busy = MetricsConnection(fd: client, deadline: 0)
                busy.respond(
                    Self.message("503 Service Unavailable", "rivulet: too many connections to the metrics endpoint (at most \(maxConnections))\n"))
                close(client)
                continue
            }
            let deadline = Clock.monotonicNanoseconds() + UInt64(connectionTimeout * 1e9)
            connections.append(MetricsConnection(fd: client, deadline: deadline))
        }
    }

    /// The answer to a request head: the metrics for `GET /metrics`, 404 for anything else, 431 when too long.
    private func response(to request: [UInt8]) -> [UInt8] {
        if request.count > MetricsConnection.maxRequestBytes {
            return Self.message("431 Request Header Fields Too Large", "request head over \(MetricsConnection.maxRequestBytes) bytes\n")
        }
        let firstLine = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        guard firstLine.count >= 2, firstLine[0] == "GET", firstLine[1] == "/metrics" || firstLine[1].hasPrefix("/metrics?") else {
            return Self.message("404 Not Found", "not found: rivulet serves /metrics\n")
        }
        let payload = body()
        return Array(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
                .utf8) + payload
    }

    static func message(_ status: String, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        return Array("HTTP/1.1 \(status)\r\nContent-Type: text/plain\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n".utf8) + payload
    }

    /// Stops listening, closes every connection and waits for the serving thread to end. Idempotent.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        close(wakeWrite)
    }

    deinit { stop() }
}
