// CheckpointSummary: one checkpoint folder as `rivulet checkpoints list` shows it: id, time, state, size, files.
import Foundation

/// A `chk-N/` or `chk-N.inprogress/` folder of a checkpoint folder (`CheckpointStorage.list`). Size and
/// file count are those of the files in the folder, `_metadata` not counted — for a complete checkpoint
/// that verifies, exactly the files its `_metadata` lists, with their recorded sizes.
public struct CheckpointSummary: Sendable, Equatable, Encodable {
    public enum State: Sendable, Equatable {
        /// Verified; taken at the interval.
        case complete
        /// Verified; the run's last checkpoint (its input was all processed).
        case final
        /// Verified; taken at a stop request (SIGINT/SIGTERM).
        case savepoint
        /// A `.inprogress` folder: being written, or left by a crash or a failed checkpoint (never restored).
        case inProgress
        /// A `chk-N/` folder that does not verify, with the first failed check (and how many more failed).
        case damaged(String)

        /// `complete`, `final`, `savepoint`, `in progress` or `damaged: <reason>`.
        public var label: String {
            switch self {
            case .complete: "complete"
            case .final: "final"
            case .savepoint: "savepoint"
            case .inProgress: "in progress"
            case .damaged(let reason): "damaged: \(reason)"
            }
        }
    }

    public var id: UInt64
    /// The folder.
    public var path: String
    /// When it completed (RFC 3339, UTC), from its `_metadata`; nil when it has none that can be read.
    public var time: String?
    public var state: State
    /// Bytes of the files in the folder (`_metadata` not counted).
    public var bytes: Int64
    public var files: Int

    public init(id: UInt64, path: String, time: String?, state: State, bytes: Int64, files: Int) {
        self.id = id
        self.path = path
        self.time = time
        self.state = state
        self.bytes = bytes
        self.files = files
    }

    /// Summarizes the folder `path` of checkpoint `id`; a complete one is verified (every file read).
    public init(id: UInt64, path: String, inProgress: Bool) {
        let (bytes, files) = Self.size(of: path)
        guard !inProgress else {
            self.init(id: id, path: path, time: nil, state: .inProgress, bytes: bytes, files: files)
            return
        }
        let verification = CheckpointVerification.verify(path)
        let state: State
        if let first = verification.problems.first {
            let more = verification.problems.count - 1
            state = .damaged("\(first)" + (more > 0 ? " (and \(more) more failed check\(more == 1 ? "" : "s"))" : ""))
        } else if verification.metadata!.savepoint {
            state = .savepoint
        } else if verification.metadata!.final {
            state = .final
        } else {
            state = .complete
        }
        self.init(id: id, path: path, time: verification.metadata?.time, state: state, bytes: bytes, files: files)
    }

    /// Total bytes and number of the regular files under `path`, `_metadata` excepted.
    static func size(of path: String) -> (bytes: Int64, files: Int) {
        let files = ((try? FileSync.files(under: path)) ?? []).filter { $0 != CheckpointStorage.metadataFile }
        var total: Int64 = 0
        for file in files {
            var s = stat()
            if stat("\(path)/\(file)", &s) == 0 { total += Int64(s.st_size) }
        }
        return (total, files.count)
    }

    enum CodingKeys: String, CodingKey {
        case id, path, time, state, damage, bytes, files
    }

    /// `state` is `complete`, `final`, `savepoint`, `in progress` or `damaged`; `damage` holds the reason.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(time, forKey: .time)
        if case .damaged(let reason) = state {
            try c.encode("damaged", forKey: .state)
            try c.encode(reason, forKey: .damage)
        } else {
            try c.encode(state.label, forKey: .state)
        }
        try c.encode(bytes, forKey: .bytes)
        try c.encode(files, forKey: .files)
    }
}
