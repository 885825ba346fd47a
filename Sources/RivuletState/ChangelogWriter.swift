// ChangelogWriter: appends a store's puts and deletes to a file, flushed once per commit.
import Foundation
import RivuletHashing

/// The changelog format, one entry per change, little-endian:
/// `op (1 byte: 1 put, 2 delete) · key length (u32) · value length (u32) · key · value`.
/// Entries are buffered and written at `flush()` (each store commit, i.e. each record batch), so a crash
/// loses at most the changes of the batch in flight — which the source replays.
final class ChangelogWriter {
    static let put: UInt8 = 1
    static let delete: UInt8 = 2

    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes in the file: the complete entries written by the last `flush()` (checkpoints record it).
    private(set) var length: Int

    /// Opens `path` for appending, first cutting it to `validLength` (a torn last entry is dropped).
    init(path: String, validLength: Int) throws(StoreError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(store: path, "cannot open changelog: \(String(cString: strerror(errno)))") }
        guard ftruncate(fd, off_t(validLength)) == 0, lseek(fd, 0, SEEK_END) >= 0 else {
            close(fd)
            throw StoreError(store: path, "cannot position changelog: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        length = validLength
        buffer.reserveCapacity(1 << 16)
    }

    deinit { close(fd) }

    /// Bytes appended since the last flush.
    var bufferedBytes: Int { buffer.count }

    func append(op: UInt8, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?) {
        buffer.append(op)
        Self.appendLength(key.count, to: &buffer)
        Self.appendLength(value?.count ?? 0, to: &buffer)
        buffer.append(contentsOf: key)
        if let value { buffer.append(contentsOf: value) }
    }

    static func appendLength(_ n: Int, to buffer: inout [UInt8]) {
        var v = UInt32(n).littleEndian
        withUnsafeBytes(of: &v) { buffer.append(contentsOf: $0) }
    }

    func flush() throws(StoreError) {
        guard !buffer.isEmpty else { return }
        var written = 0
        while written < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError(store: path, "cannot write changelog: \(String(cString: strerror(errno)))")
            }
            written += n
        }
        length += written
        buffer.removeAll(keepingCapacity: true)
    }

    /// How many bytes before the end a changelog position is checked by (`ChangelogPosition.tailHash`).
    static let tailLength = 4096

    /// FNV-1a of the last `tailLength` bytes (or fewer) before `length` in the file at `path`: with the
    /// length, what tells a changelog that continues the one a checkpoint saw from another one.
    static func tailHash(path: String, length: Int) throws(StoreError) -> UInt64 {
        guard length > 0 else { return FNV1a.offsetBasis }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(store: path, "cannot read changelog: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let count = min(length, tailLength)
        var tail = [UInt8](repeating: 0, count: count)
        var read = 0
        while read < count {
            let n = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + read, count - read, off_t(length - count + read)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw StoreError(store: path, "cannot read changelog: \(n < 0 ? String(cString: strerror(errno)) : "shorter than \(length) bytes")")
            }
            read += n
        }
        return tail.withUnsafeBytes { FNV1a.hash($0) }
    }
}
