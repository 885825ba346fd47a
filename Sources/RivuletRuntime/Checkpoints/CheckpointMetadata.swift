// CheckpointMetadata: the `_metadata` file of a complete checkpoint: what it holds and how to check it.

/// Written last, into `chk-N.inprogress/`, before the folder is renamed to `chk-N/`: a checkpoint without
/// it, or whose files do not match it, is not complete. JSON, so `rivulet checkpoints inspect` and users
/// can read it.
public struct CheckpointMetadata: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    public var format = CheckpointMetadata.formatVersion
    public var id: UInt64
    /// When the checkpoint completed (RFC 3339, UTC) and the same in ms since the epoch.
    public var time: String
    public var timeMilliseconds: Int64
    /// FNV-1a of the manifest's text (hex): a restore into a changed manifest is reported.
    public var manifestHash: String
    /// The manifest's file when the checkpoint was taken, absolute (for messages and `rivulet checkpoints inspect`).
    public var manifest: String
    /// Taken at the end of a bounded run, or by a stop with savepoint: nothing remains to process.
    public var final: Bool
    /// Taken at a stop request (SIGINT/SIGTERM): a savepoint.
    public var savepoint: Bool
    /// Key groups of keyed state (`KeyGroups`).
    public var maxParallelism: Int
    public var plugins: [Plugin]
    /// Every node with its parallelism when the checkpoint was taken.
    public var nodes: [Node]
    /// Every task, and whether it had finished.
    public var tasks: [Task]
    /// Every file of the checkpoint (relative to its folder) with its size and checksum.
    public var files: [File]

    public struct Plugin: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
    }

    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        public var role: String
        public var parallelism: Int
        /// Every task of the node had finished: it does not run again after a restore (absent: false).
        public var finished: Bool

        public init(name: String, role: String, parallelism: Int, finished: Bool) {
            self.name = name
            self.role = role
            self.parallelism = parallelism
            self.finished = finished
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            role = try c.decode(String.self, forKey: .role)
            parallelism = try c.decode(Int.self, forKey: .parallelism)
            finished = try c.decodeIfPresent(Bool.self, forKey: .finished) ?? false
        }
    }

    public struct Task: Codable, Sendable, Equatable {
        public var name: String
        public var finished: Bool
    }

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        /// FNV-1a 64 of the file's bytes (hex); nil for files checked by their own format (RocksDB SSTs).
        public var checksum: String?
        /// The node the file belongs to (nil: shared, e.g. a RocksDB database of a task).
        public var node: String?
    }

    public func node(_ name: String) -> Node? { nodes.first { $0.name == name } }
}
