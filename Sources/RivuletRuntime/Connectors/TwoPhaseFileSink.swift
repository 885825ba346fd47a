// TwoPhaseFileSink: a file sink that makes output visible only when the checkpoint covering it completes.
import Foundation
import RivuletCore
import RivuletExecution
import RivuletSnapshot

/// The file sink of a checkpointed run (two-phase commit, as Flink's `TwoPhaseCommitSinkFunction`):
/// - records are encoded into a staged part file (`<staging>/part-<k>`), never into the output itself;
/// - at a checkpoint barrier (`snapshotState`) the part is flushed, fsynced and closed — the pre-commit —
///   and the checkpoint records it as pending, with the output's committed length;
/// - when the checkpoint is complete (`commit`), pending parts are appended to the output in order, the
///   output fsynced, and the parts deleted;
/// - a restore repeats the commits the checkpoint recorded (a part already appended is recognised by the
///   output's length), cuts the output back to the end of the last of them, and deletes every other
///   staged part (from checkpoints that never completed).
/// So the output is always a prefix of the failure-free output, and equal to it once the run's final
/// checkpoint is committed. `commit` runs on the coordinator's thread while `process` goes on: the pending
/// list and committed length are shared under `lock`; the current part belongs to the task's thread.
public final class TwoPhaseFileSink: CheckpointCommitting, CountingSink {
    public let name: String
    let path: String
    let staging: String
    let encoder: RecordEncoder
    public let written = MetricsCounter(name: "records_out")
    /// The part being written (task thread only), its number, and whether the header is in the output.
    private var part: ByteWriter?
    private var partNumber = 0
    private var wroteHeader = false
    /// Shared with the coordinator's thread.
    private let lock = NSLock()
    private var pending: [Pending] = []
    private var committedLength: Int64 = 0

    struct Pending {
        var checkpoint: UInt64
        var file: String
        var size: Int64
    }

    public var isTransactional: Bool { true }

    /// `staging`: a folder for this sink's parts (created, and emptied at a fresh start).
    public init(name: String, path: String, staging: String, encoder: RecordEncoder) {
        self.name = name
        self.path = path
        self.staging = staging
        self.encoder = encoder
    }

    /// A run that restores nothing starts the output and the staging folder afresh.
    public func start() throws {
        guard !restored else { return }
        try fail {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try removeStagedParts(except: [])
            try truncate(to: 0)
        }
    }

    private var restored = false

    private func currentPart() throws -> ByteWriter {
        if let part { return part }
        partNumber += 1
        let w = try ByteWriter(path: "\(staging)/part-\(partNumber)")
        part = w
        return w
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        try fail {
            let writer = try currentPart()
            if !wroteHeader {
                try encoder.writeHeader(to: writer)
                wroteHeader = true
            }
            for i in 0..<batch.count { try encoder.encode(batch.record(at: i), to: writer) }
        }
        written.add(Int64(batch.count))
    }

    public func advanceWatermark(to watermark: Int64) throws {}

    /// The end of input: an empty output still gets its header. What is staged is committed by the run's
    /// final checkpoint.
    public func finish() throws {
        guard !wroteHeader else { return }
        try fail {
            try encoder.writeHeader(to: try currentPart())
            wroteHeader = true
        }
    }

    public func close() {
        try? part?.flush()
    }

    // MARK: checkpoints

    /// Pre-commit: the current part is made durable and becomes pending for checkpoint `checkpoint`.
    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try fail {
            if let part {
                try part.flush()
                self.part = nil
                let file = "\(staging)/part-\(partNumber)"
                let size = try FileSync.fsyncFile(file)
                lock.withLock { pending.append(Pending(checkpoint: checkpoint, file: file, size: size)) }
            }
        }
        lock.withLock {
            snapshot.operatorState.write(committedLength)
            snapshot.operatorState.write(wroteHeader)
            snapshot.operatorState.write(partNumber)
            snapshot.operatorState.write(pending.count)
            for p in pending {
                snapshot.operatorState.write(p.checkpoint)
                snapshot.operatorState.write((p.file as NSString).lastPathComponent)
                snapshot.operatorState.write(p.size)
            }
        }
    }

    /// Appends every part pending up to checkpoint `id` to the output, in order; idempotent.
    public func commit(checkpoint id: UInt64) throws {
        try lock.withLock {
            while let first = pending.first, first.checkpoint <= id {
                try fail { try append(first.file, at: committedLength, size: first.size) }
                committedLength += first.size
                pending.removeFirst()
                try? FileManager.default.removeItem(atPath: first.file)
            }
        }
    }

    public func restoreState(from restore: OperatorRestore) throws {
        guard var state = restore.operatorStates.first else { return }
        let base = try state.readInt64()
        wroteHeader = try state.readBool()
        partNumber = try state.readInt(in: 0...Int(Int32.max), "the part number")
        let count = try state.readInt(in: 0...1_000_000, "the pending parts")
        var parts: [Pending] = []
        for _ in 0..<count {
            let checkpoint = try state.readUInt64()
            let file = try state.readString()
            guard !file.contains("/") else { throw SnapshotCorrupt(state.name, "a staged part's name '\(file)' is not a file name") }
            parts.append(Pending(checkpoint: checkpoint, file: "\(staging)/\(file)", size: try state.readInt64()))
        }
        try state.expectEnd()
        try fail {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            // Finish the commits the checkpoint recorded: parts are appended in order from `base`, so a
            // part the output already covers was appended before the crash.
            var offset = base
            let size = try outputSize()
            guard size >= base else {
                throw CheckpointFailure(
                    "\(path) has \(size) bytes, fewer than the \(base) the checkpoint committed: it was changed or cut outside the run")
            }
            for p in parts {
                if size < offset + p.size {
                    guard FileManager.default.fileExists(atPath: p.file) else {
                        throw CheckpointFailure("staged part \(p.file) of checkpoint \(p.checkpoint) is missing: \(path) cannot be completed")
                    }
                    try append(p.file, at: offset, size: p.size)
                }
                offset += p.size
            }
            try truncate(to: offset)
            committedLength = offset
            try removeStagedParts(except: [])
        }
        pending = []
        restored = true
    }

    // MARK: files

    private func outputSize() throws -> Int64 {
        var s = stat()
        if stat(path, &s) != 0 {
            if errno == ENOENT { return 0 }
            throw IOFailure(path: path, operation: "stat", errno: errno)
        }
        return Int64(s.st_size)
    }

    /// Writes the part's bytes into the output at `offset` (cutting whatever follows), then fsyncs it.
    private func append(_ file: String, at offset: Int64, size: Int64) throws {
        let out = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw IOFailure(path: path, operation: "open for writing", errno: errno) }
        defer { Glibc.close(out) }
        let input = open(file, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw IOFailure(path: file, operation: "open", errno: errno) }
        defer { Glibc.close(input) }
        guard ftruncate(out, off_t(offset)) == 0 else { throw IOFailure(path: path, operation: "truncate", errno: errno) }
        var position = off_t(offset)
        var copied: Int64 = 0
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while copied < size {
            let n = read(input, buffer, Int(min(Int64(1 << 20), size - copied)))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw IOFailure(path: file, operation: "read (it is shorter than recorded)", errno: n < 0 ? errno : EIO) }
            var done = 0
            while done < n {
                let w = pwrite(out, buffer + done, n - done, position)
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else { throw IOFailure(path: path, operation: "write", errno: errno) }
                done += w
                position += off_t(w)
            }
            copied += Int64(n)
        }
        guard fsync(out) == 0 else { throw IOFailure(path: path, operation: "fsync", errno: errno) }
    }

    private func truncate(to length: Int64) throws {
        let out = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw IOFailure(path: path, operation: "open for writing", errno: errno) }
        defer { Glibc.close(out) }
        guard ftruncate(out, off_t(length)) == 0 else { throw IOFailure(path: path, operation: "truncate", errno: errno) }
        guard fsync(out) == 0 else { throw IOFailure(path: path, operation: "fsync", errno: errno) }
    }

    private func removeStagedParts(except keep: Set<String>) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [] where name.hasPrefix("part-") && !keep.contains(name) {
            try FileManager.default.removeItem(atPath: "\(staging)/\(name)")
        }
    }

    private func fail<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let failure as OperatorFailure { throw failure } catch {
            throw OperatorFailure(node: name, message: "\(error)")
        }
    }
}
