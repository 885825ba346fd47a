// FileSync: durable file operations for checkpoints: write and fsync files, fsync folders, list a tree.
import Foundation

/// The few POSIX steps that make a checkpoint survive a crash or power loss: file contents fsynced
/// before the metadata that names them, folders fsynced so the names themselves are durable. Every
/// failure (a full disk, an I/O error) throws `CheckpointFailure` naming the path.
enum FileSync {
    /// Writes `bytes` to a new file at `path` and fsyncs it.
    static func write(_ bytes: Data, to path: String) throws {
        try bytes.withUnsafeBytes { try write(parts: [$0], to: path, sync: true) }
    }

    /// Writes `parts` one after the other to a new file at `path` (from where they are: no copy), and
    /// fsyncs it if `sync`. A file inside a checkpoint folder need not be synced when written:
    /// `CheckpointStorage.complete` fsyncs every file of the folder before its `_metadata` — on the
    /// coordinator's thread, while the task that wrote the file goes on processing.
    static func write(parts: [UnsafeRawBufferPointer], to path: String, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create", path) }
        defer { close(fd) }
        for raw in parts where raw.count > 0 {
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", path)
                }
                offset += n
            }
        }
        if sync { guard fsync(fd) == 0 else { throw failure("fsync", path) } }
    }

    /// Creates folder `path` and the folders above it that are missing; the error names the folder that
    /// could not be made and why (`Permission denied`, `No such file or directory` under /proc…).
    static func createDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw failure("create the folder", current) }
        }
        var s = stat()
        guard stat(path, &s) == 0, (s.st_mode & S_IFMT) == S_IFDIR else { throw CheckpointFailure("\(path) is not a folder") }
        guard access(path, W_OK | X_OK) == 0 else { throw failure("write into", path) }
    }

    /// Fsyncs the file at `path`; returns its size.
    static func fsyncFile(_ path: String) throws -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
        var s = stat()
        guard fstat(fd, &s) == 0 else { throw failure("stat", path) }
        return Int64(s.st_size)
    }

    /// Fsyncs a folder (its entries' names become durable).
    static func fsyncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
    }

    /// Fsyncs `root` and every folder under it.
    static func fsyncDirectories(under root: String) throws {
        try fsyncDirectory(root)
        for relative in try entries(under: root) where isDirectory("\(root)/\(relative)") {
            try fsyncDirectory("\(root)/\(relative)")
        }
    }

    /// Every regular file under `root`, relative to it, sorted.
    static func files(under root: String) throws -> [String] {
        try entries(under: root).filter { !isDirectory("\(root)/\($0)") }.sorted()
    }

    private static func entries(under root: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw CheckpointFailure("cannot list \(root)")
        }
        return walker.compactMap { $0 as? String }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var s = stat()
        return lstat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFDIR
    }

    private static func failure(_ operation: String, _ path: String) -> CheckpointFailure {
        CheckpointFailure("cannot \(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
