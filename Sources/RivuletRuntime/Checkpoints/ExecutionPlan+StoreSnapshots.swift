// ExecutionPlan+StoreSnapshots: a task's stores saved into a checkpoint folder at its barrier.
import Foundation
import RivuletHashing
import RivuletState

/// One store instance as checkpoints see it, recorded while planning: where it runs and what backs it.
final class AttachedStore {
    /// The operator, the store's name in the manifest, and the instance's name (`counts` or `counts#i`).
    let node: String
    let store: String
    let instanceName: String
    let task: Int
    /// The memory or RocksDB store itself (under the changelog and the metering).
    let backing: KeyValueStore
    let logged: LoggedStore?
    let metered: MeteredStore

    init(node: String, store: String, instanceName: String, task: Int, backing: KeyValueStore, logged: LoggedStore?, metered: MeteredStore) {
        self.node = node
        self.store = store
        self.instanceName = instanceName
        self.task = task
        self.backing = backing
        self.logged = logged
        self.metered = metered
    }
}

extension ExecutionPlan {
    /// The folder name of task `id`'s RocksDB database, under `<state_directory>/rocksdb/` and in checkpoints.
    func rocksDBFolderName(task id: Int) -> String { tasks[id].name.replacingOccurrences(of: "/", with: "_") }

    /// Saves the stores of task `task` into the checkpoint being written in `checkpointDirectory`, and
    /// returns the files written, relative to it. Call on the task's thread at its barrier (between
    /// batches), or on any one thread once the task has finished.
    ///
    /// - Every store's pending writes are committed first (its changelog flushed, then the task's RocksDB
    ///   write batch).
    /// - The task's RocksDB database, if a store uses it, goes to `rocksdb/<task>/` through RocksDB's
    ///   Checkpoint API (SST files hard-linked when the checkpoint is on the same file system).
    /// - Each store instance gets `stores/<instance>.state` (`StoreSnapshot`): its backend, where its data
    ///   is, and its changelog's length at this point; a memory store's entries are in the file, tagged with
    ///   the key group of each store key.
    ///
    /// Failures (a full disk, an I/O error) throw a `StoreError` naming the store and the path; the live
    /// stores stay usable. A task without stores writes nothing and returns `[]`.
    public func snapshotStores(ofTask task: Int, into checkpointDirectory: String) throws -> [String] {
        let mine = attachedStores.filter { $0.task == task }
        guard !mine.isEmpty else { return [] }
        // Commit: the writes of the batch before the barrier belong to this checkpoint.
        for s in mine {
            if let logged = s.logged { try logged.commit() } else { try s.backing.commit() }
        }
        var written: [String] = []
        if let db = rocksDBs[task], mine.contains(where: { $0.backing is RocksDBStore }) {
            let folder = "rocksdb/\(rocksDBFolderName(task: task))"
            try Self.makeFolder(checkpointDirectory + "/rocksdb", for: db.path)
            written += try db.checkpoint(into: checkpointDirectory + "/" + folder).map { "\(folder)/\($0)" }
        }
        try Self.makeFolder(checkpointDirectory + "/stores", for: mine[0].instanceName)
        let keyGroups = KeyGroups()  // the partitioned edges' (`PartitionedEdge`'s default)
        for s in mine {
            let changelog = try s.logged?.changelogPosition()
            let relative = StoreSnapshot.path(of: s.instanceName)
            let bytes: [UInt8]
            if let memory = s.backing as? MemoryStore {
                bytes = StoreSnapshot(store: s.instanceName, backend: .memory, changelog: changelog).encoded(entries: memory, keyGroups: keyGroups)
            } else {
                let folder = "rocksdb/\(rocksDBFolderName(task: task))"
                bytes = StoreSnapshot(store: s.instanceName, backend: .rocksdb, rocksDBFolder: folder, changelog: changelog).encoded()
            }
            try Self.writeFile(checkpointDirectory + "/" + relative, bytes, store: s.instanceName)
            written.append(relative)
        }
        return written
    }

    private static func makeFolder(_ path: String, for store: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StoreError(store: store, "cannot create the checkpoint folder \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` to a new file at `path` and syncs it; every failure names the store and the path.
    static func writeFile(_ path: String, _ bytes: [UInt8], store: String) throws(StoreError) {
        func failure(_ what: String) -> StoreError {
            StoreError(store: store, "checkpoint: cannot \(what) \(path): \(String(cString: strerror(errno)))")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = failure("write")
                Glibc.close(fd)
                unlink(path)
                throw error
            }
            written += n
        }
        if fsync(fd) != 0 {
            let error = failure("sync")
            Glibc.close(fd)
            unlink(path)
            throw error
        }
        guard Glibc.close(fd) == 0 else {
            unlink(path)
            throw failure("close")
        }
    }
}
