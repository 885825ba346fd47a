// LineReader: reads a file or stdin in large chunks and hands out complete lines without copying them.
import Foundation

/// Splits a byte stream into lines (`\n`, with an optional `\r` before it removed).
///
/// Lines are handed out as views into an internal buffer, valid until the next call to `next()`. With
/// `csvQuotes`, a newline inside a double-quoted CSV cell does not end the line (RFC 4180).
/// - Complexity: O(bytes); one `read` per 1 MiB; a line longer than the buffer grows it.
public final class LineReader {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private let csvQuotes: Bool
    /// 1-based number of the line last returned.
    public private(set) var lineNumber = 0
    /// Reads a pipe or terminal (stdin): more input may take any time to come.
    public let isStream: Bool

    /// Opens `path`; messages name it `displayName` (e.g. relative to the manifest) when given.
    public init(path: String, displayName: String? = nil, csvQuotes: Bool = false, bufferSize: Int = 1 << 20) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure(path: path, operation: "open", errno: errno) }
        self.fd = fd
        self.path = displayName ?? path
        ownsDescriptor = true
        isStream = false
        self.csvQuotes = csvQuotes
        capacity = bufferSize
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    public init(descriptor: Int32, name: String, csvQuotes: Bool = false, bufferSize: Int = 1 << 16) {
        fd = descriptor
        path = name
        ownsDescriptor = false
        isStream = true
        self.csvQuotes = csvQuotes
        capacity = bufferSize
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit {
        if ownsDescriptor { close(fd) }
        buffer.deallocate()
    }

    /// The next line without its terminator, or nil at the end of input. A last line without a newline
    /// is returned too.
    public func next() throws -> UnsafeRawBufferPointer? {
        var scanFrom = start
        var inQuotes = false
        while true {
            // memchr finds each newline; with CSV quotes, the quotes before it (usually none) decide
            // whether it ends the line.
            var i = scanFrom
            while i < end {
                guard let found = memchr(buffer + i, 0x0A, end - i) else {
                    if csvQuotes { inQuotes = inQuotes != oddQuotes(from: i, to: end) }
                    i = end
                    break
                }
                let newline = buffer.distance(to: UnsafeMutableRawPointer(found))
                if csvQuotes { inQuotes = inQuotes != oddQuotes(from: i, to: newline) }
                if !inQuotes { return take(upTo: newline, consumed: newline + 1) }
                i = newline + 1
            }
            scanFrom = end
            if eof {
                if start == end { return nil }
                return take(upTo: end, consumed: end)
            }
            let scannedSoFar = scanFrom - start
            try refill()
            scanFrom = start + scannedSoFar
        }
    }

    /// Whether a complete line is already buffered (so `next()` returns without reading), or the input
    /// has ended. A stream source hands on what it has rather than wait for more.
    public var hasBufferedLine: Bool {
        if eof { return true }
        var i = start
        var inQuotes = false
        while i < end, let found = memchr(buffer + i, 0x0A, end - i) {
            let newline = buffer.distance(to: UnsafeMutableRawPointer(found))
            if csvQuotes { inQuotes = inQuotes != oddQuotes(from: i, to: newline) }
            if !inQuotes { return true }
            i = newline + 1
        }
        return false
    }

    /// Reads once from the descriptor into the buffer (after `waitForInput` said input is ready, this
    /// does not block). For stream sources, which must not wait inside `next()` for a line to complete.
    public func readAvailable() throws {
        try refill()
    }

    /// Waits up to `milliseconds` for input to read (or the end of it). True when `next()` would not block
    /// for long: a line is buffered, the input ended, or bytes are ready on the descriptor.
    public func waitForInput(milliseconds: Int32) -> Bool {
        if hasBufferedLine { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let r = poll(&p, 1, milliseconds)
            if r < 0 && errno == EINTR { continue }
            return r != 0
        }
    }

    /// Whether `buffer[from..<to]` holds an odd number of double quotes.
    @inline(__always)
    private func oddQuotes(from: Int, to: Int) -> Bool {
        var odd = false
        var i = from
        while i < to, let q = memchr(buffer + i, 0x22, to - i) {
            odd.toggle()
            i = buffer.distance(to: UnsafeMutableRawPointer(q)) + 1
        }
        return odd
    }

    private func take(upTo lineEnd: Int, consumed: Int) -> UnsafeRawBufferPointer {
        var last = lineEnd
        if last > start && buffer.load(fromByteOffset: last - 1, as: UInt8.self) == UInt8(ascii: "\r") { last -= 1 }
        let line = UnsafeRawBufferPointer(start: buffer + start, count: last - start)
        start = consumed
        lineNumber += 1
        return line
    }

    /// Moves the unread tail to the front, grows the buffer if a line fills it, and reads more.
    private func refill() throws {
        let pending = end - start
        if start > 0 {
            if pending > 0 { buffer.copyMemory(from: buffer + start, byteCount: pending) }
            start = 0
            end = pending
        }
        if end == capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure(path: path, operation: "read", errno: errno)
            }
            if n == 0 { eof = true }
            end += n
            return
        }
    }
}
