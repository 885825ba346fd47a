// MetricsHTTPServer: a minimal HTTP/1.1 server on loopback that answers GET /metrics (Prometheus scrapes).
import Foundation

/// Listens on 127.0.0.1 only and answers one request per connection on its own thread: `GET /metrics`
/// with `body()` as `text/plain; version=0.0.4`, anything else with 404. Enough for Prometheus and curl;
/// not a general web server (no keep-alive; requests over 8 KiB or not complete within 2 s are dropped).
///
/// Unsafe code: BSD sockets through Glibc; the listening descriptor is owned by the serving thread, which
/// closes it when it ends; `stop()` wakes it (shutdown) and waits for it.
public final class MetricsHTTPServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let body: () -> [UInt8]
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    /// Binds 127.0.0.1:`port` (0: any free port; `port` then tells which) and starts serving.
    public init(port: Int, body: @escaping () -> [UInt8]) throws {
        self.body = body
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
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw MetricsServerError("cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        let thread = Thread { [self] in serve() }
        thread.name = "rivulet-metrics"
        thread.start()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Accepts until `stop()`; transient accept failures (an aborted connection, too many open files)
    /// are retried after a pause rather than ending the endpoint. Owns the listener: closes it at the end.
    private func serve() {
        defer {
            close(listener)
            finished.signal()
        }
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if isStopped { return }
                if errno != EINTR { usleep(10_000) }
                continue
            }
            respond(client)
            close(client)
        }
    }

    /// Reads the request head within 2 s in all (a slow client cannot hold the endpoint), then answers.
    private func respond(_ client: Int32) {
        let deadline = Date().addingTimeInterval(2)
        var sendTimeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while request.count < 8192 {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            var ready = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(remaining * 1000) + 1)
            if polled < 0 && errno == EINTR { continue }
            if polled <= 0 { return }
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            request += chunk[0..<n]
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
        }
        let firstLine = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let response: [UInt8]
        if firstLine.count >= 2, firstLine[0] == "GET", firstLine[1] == "/metrics" || firstLine[1].hasPrefix("/metrics?") {
            let payload = body()
            response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n".utf8) + payload
        } else {
            let payload = Array("not found: rivulet serves /metrics\n".utf8)
            response = Array("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n".utf8) + payload
        }
        var sent = 0
        while sent < response.count {
            let n = response.withUnsafeBytes { send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Stops listening and waits for the serving thread to end. Idempotent.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        // Wakes the accept loop; the serving thread closes the listener itself once it has left accept,
        // so its descriptor number cannot be reused under it.
        shutdown(listener, Int32(SHUT_RDWR))
        finished.wait()
    }

    deinit { stop() }
}

/// The metrics endpoint could not start.
public struct MetricsServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
