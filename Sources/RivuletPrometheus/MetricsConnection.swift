// MetricsConnection: one client of the metrics endpoint: its non-blocking socket, request so far, response, deadline.
import Foundation

/// The state of one accepted connection, driven by `MetricsHTTPServer`'s poll loop: it reads the request
/// head until the blank line, then writes the response, then is done. Neither step ever blocks: the
/// socket is non-blocking and each call does what the socket allows right now.
///
/// Unsafe code: `fd` is owned by the server's loop, which closes it when the connection is removed.
struct MetricsConnection {
    /// The most bytes of request head read; a longer head is answered 431.
    static let maxRequestBytes = 8192

    enum Step {
        /// Wants more of the request (poll for input).
        case reading
        /// Has a response to send (poll for output).
        case writing
        /// Finished or failed: close it.
        case done
    }

    let fd: Int32
    /// When it is closed whatever its state (monotonic nanoseconds).
    let deadline: UInt64
    private(set) var request: [UInt8] = []
    private var response: [UInt8] = []
    private var sent = 0
    private(set) var step = Step.reading

    init(fd: Int32, deadline: UInt64) {
        self.fd = fd
        self.deadline = deadline
    }

    /// Reads what has arrived. Returns true when the request is complete (blank line, end of input, or
    /// too long): the caller then answers with `respond`.
    mutating func read() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 2048)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 {
                request += chunk[0..<n]
                if isComplete { return true }
                continue
            }
            if n == 0 {
                // The client stopped sending: answer what came, if anything did.
                if request.isEmpty { step = .done }
                return !request.isEmpty
            }
            if errno == EINTR { continue }
            if errno != EAGAIN && errno != EWOULDBLOCK { step = .done }
            return false
        }
    }

    /// Whether the head is complete: ended by a blank line, or over the limit.
    var isComplete: Bool {
        if request.count > Self.maxRequestBytes { return true }
        guard request.count >= 4 else { return false }
        // Only the last chunk can have completed it, but the head is small: search all of it.
        return request.withUnsafeBufferPointer { b in
            (0...(b.count - 4)).contains { b[$0] == 13 && b[$0 + 1] == 10 && b[$0 + 2] == 13 && b[$0 + 3] == 10 }
        }
    }

    /// Sets the response and sends as much of it as the socket takes now.
    mutating func respond(_ bytes: [UInt8]) {
        response = bytes
        sent = 0
        step = .writing
        write()
    }

    /// Sends what the socket takes now; done once all is sent (or the client is gone).
    mutating func write() {
        while sent < response.count {
            let n = response.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                sent += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            step = .done
            return
        }
        step = .done
    }
}
