// ByteWriter: a buffered writer of bytes to a file descriptor, used by every sink.
import Foundation

/// Buffers output and writes it to a file descriptor in large chunks — or, made with `init(memory:)`,
/// only collects it for `takeBuffered` (a Kafka sink encodes each record into its own value). One
/// writer per thread. Errors (a full disk, a closed pipe) are thrown with the path in the message.
public final class ByteWriter {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    // Touched per field by the writer's thread only: no dynamic exclusivity checks (~75 instructions each).
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    @exclusivity(unchecked) private var used = 0
    /// A memory writer: the buffer grows instead of being written out.
    private let inMemory: Bool

    /// Writes to a descriptor the caller owns (stdout, stderr).
    public init(descriptor: Int32, name: String, capacity: Int = 64 * 1024) {
        fd = descriptor
        path = name
        ownsDescriptor = false
        inMemory = false
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    /// Collects bytes in memory (nothing is written anywhere): read them with `takeBuffered`.
    public init(memory name: String, capacity: Int = 4096) {
        fd = -1
        path = name
        ownsDescriptor = false
        inMemory = true
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    /// A memory writer: hands what was written since the last call to `body`, then forgets it.
    public func takeBuffered<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        defer { used = 0 }
        return try body(UnsafeRawBufferPointer(start: buffer, count: used))
    }

    /// A memory writer's buffer, at least `needed` bytes (the contents kept).
    private func grow(to needed: Int) {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed, capacity * 2))
        bigger.update(from: buffer, count: used)
        buffer.deallocate()
        buffer = bigger
        capacity = max(needed, capacity * 2)
    }

    /// Creates or truncates the file at `path` (`append`: creates it or writes after what it holds).
    public init(path: String, append: Bool = false, capacity: Int = 64 * 1024) throws {
        let fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOFailure(path: path, operation: "open for writing", errno: errno) }
        self.fd = fd
        self.path = path
        ownsDescriptor = true
        inMemory = false
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
        buffer.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if bytes.count > capacity - used {
            if inMemory {
                grow(to: used + bytes.count)
                UnsafeMutableRawPointer(buffer + used).copyMemory(from: base, byteCount: bytes.count)
                used += bytes.count
                return
            }
            try flush()
            if bytes.count > capacity {
                try writeFully(bytes)
                return
            }
        }
        UnsafeMutableRawPointer(buffer + used).copyMemory(from: base, byteCount: bytes.count)
        used += bytes.count
    }

    public func write(_ string: String) throws {
        var s = string
        try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write(byte: UInt8) throws {
        if used == capacity {
            if inMemory { grow(to: used + 1) } else { try flush() }
        }
        buffer[used] = byte
        used += 1
    }

    /// Writes a decimal integer without allocating.
    public func write(integer: Int64) throws {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        try withUnsafeMutableBytes(of: &digits) { scratch in
            var v = integer.magnitude
            var i = scratch.count
            repeat {
                i -= 1
                scratch[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            if integer < 0 {
                i -= 1
                scratch[i] = UInt8(ascii: "-")
            }
            try write(UnsafeRawBufferPointer(rebasing: scratch[i...]))
        }
    }

    /// Hands everything buffered to the kernel.
    public func flush() throws {
        if used == 0 || inMemory { return }
        let n = used
        used = 0
        try writeFully(UnsafeRawBufferPointer(start: buffer, count: n))
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure(path: path, operation: "write", errno: errno)
            }
            offset += n
        }
    }
}

/// A failed system call on a named file.
public struct IOFailure: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let operation: String
    public let errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(path): cannot \(operation): \(String(cString: strerror(errno)))" }
}
