// ChangelogWriter: appends a store's puts and deletes to a file, flushed once per commit.
import Foundation

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
        buffer.reserveCapacity(1 << 16)
    }

    deinit { close(fd) }

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
        buffer.removeAll(keepingCapacity: true)
    }
}
