// CheckpointInspection: what `rivulet checkpoints inspect` reports of one checkpoint folder, without printing it.
import Foundation

/// One `chk-N/` (or `chk-N.inprogress/`) folder: its metadata, every file verified, whether the manifest
/// it was taken with is unchanged, and where its bytes are — per node (the files `_metadata` assigns to
/// it: source positions and operator state) and per store file (`stores/…`) and RocksDB database
/// (`rocksdb/<task>/`).
public struct CheckpointInspection: Sendable, Encodable {
    /// The manifest file the checkpoint was taken with, compared with what is at that path now.
    public enum ManifestState: String, Sendable, Encodable {
        /// Its FNV-1a hash is the one recorded.
        case unchanged
        /// It exists but its hash differs: a restore goes by node names (state of removed nodes is refused).
        case changed
        /// No file at that path now.
        case missing
    }

    /// Bytes and number of files of a part of the checkpoint.
    public struct Part: Sendable, Equatable, Encodable {
        public var name: String
        public var bytes: Int64
        public var files: Int
    }

    public let path: String
    /// The folder is a `chk-N.inprogress/` one: not complete, never restored.
    public let inProgress: Bool
    public let verification: CheckpointVerification
    /// Nil when there is no readable metadata.
    public let manifestState: ManifestState?
    /// The files in the folder, `_metadata` not counted.
    public let bytesOnDisk: Int64
    public let filesOnDisk: Int

    public var metadata: CheckpointMetadata? { verification.metadata }

    /// The id from the metadata, else from the folder's name (`chk-N`, `chk-N.inprogress`).
    public var id: UInt64? {
        if let metadata { return metadata.id }
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".inprogress") { name.removeLast(".inprogress".count) }
        return name.hasPrefix("chk-") ? UInt64(name.dropFirst(4)) : nil
    }

    /// Reads and verifies the checkpoint in folder `path` (every file is read).
    public init(path: String) {
        self.path = path
        inProgress = path.hasSuffix(".inprogress") || path.hasSuffix(".inprogress/")
        verification = CheckpointVerification.verify(path)
        (bytesOnDisk, filesOnDisk) = CheckpointSummary.size(of: path)
        if let metadata = verification.metadata {
            let manifest = URL(fileURLWithPath: metadata.manifest).standardizedFileURL.path
            if !FileManager.default.fileExists(atPath: manifest) {
                manifestState = .missing
            } else {
                manifestState = CheckpointCoordinator.manifestHash(manifest) == metadata.manifestHash ? .unchanged : .changed
            }
        } else {
            manifestState = nil
        }
    }

    /// Bytes of every file `_metadata` lists.
    public var totalBytes: Int64 { metadata?.files.reduce(0) { $0 + $1.size } ?? 0 }

    /// Each node of the metadata (in its order) with the files assigned to it.
    public var nodes: [Part] {
        guard let metadata else { return [] }
        return metadata.nodes.map { node in
            let files = metadata.files.filter { $0.node == node.name }
            return Part(name: node.name, bytes: files.reduce(0) { $0 + $1.size }, files: files.count)
        }
    }

    /// Each store instance's file (`stores/<instance>.state`) and each RocksDB database (`rocksdb/<task>`),
    /// sorted by name.
    public var stores: [Part] {
        parts { file in
            let components = file.split(separator: "/", omittingEmptySubsequences: true)
            guard components.count >= 2 else { return nil }
            if components[0] == "stores" { return file }
            if components[0] == "rocksdb" { return "rocksdb/\(components[1])" }
            return nil
        }
    }

    /// Files neither assigned to a node nor under `stores/` or `rocksdb/`, by path (normally none).
    public var others: [Part] {
        guard let metadata else { return [] }
        let known = Set(metadata.nodes.map(\.name))
        return parts { file in
            guard !file.hasPrefix("stores/"), !file.hasPrefix("rocksdb/") else { return nil }
            let node = metadata.files.first { $0.path == file }?.node
            return node.map(known.contains) == true ? nil : file
        }
    }

    /// The metadata's files grouped by `group` (nil: not in any part), sorted by name.
    private func parts(_ group: (String) -> String?) -> [Part] {
        guard let metadata else { return [] }
        var byName: [String: Part] = [:]
        for file in metadata.files {
            guard let name = group(file.path) else { continue }
            byName[name, default: Part(name: name, bytes: 0, files: 0)].bytes += file.size
            byName[name]!.files += 1
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    enum CodingKeys: String, CodingKey {
        case path, id, inProgress, metadata, verification, manifest, manifestState, bytes, nodes, stores, others
    }

    /// The metadata as in `_metadata` (null when unreadable), the verification, and the sizes.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(inProgress, forKey: .inProgress)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(verification, forKey: .verification)
        try c.encodeIfPresent(metadata.map { URL(fileURLWithPath: $0.manifest).standardizedFileURL.path }, forKey: .manifest)
        try c.encodeIfPresent(manifestState, forKey: .manifestState)
        try c.encode(metadata == nil ? bytesOnDisk : totalBytes, forKey: .bytes)
        try c.encode(nodes, forKey: .nodes)
        try c.encode(stores, forKey: .stores)
        try c.encode(others, forKey: .others)
    }
}
