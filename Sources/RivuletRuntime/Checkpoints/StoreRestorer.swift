// StoreRestorer: puts stores back as a checkpoint saved them, at the same or another parallelism.
import Foundation
import RivuletHashing
import RivuletState

/// What a checkpoint holds of one store of one operator: the file of each instance of the checkpointed run.
struct StoreSource {
    /// The store's name in the manifest.
    let store: String
    let snapshots: [DecodedStoreSnapshot]
    var previousParallelism: Int { snapshots.count }
}

/// Restores stores from a `RestorePoint` while planning (`Planner.attachStores`):
/// - same parallelism: each instance gets back exactly what its own instance saved. A task whose RocksDB
///   stores all come from one RocksDB checkpoint, with the same names, gets the checkpoint's folder as its
///   live database (`RocksDBInstance.install`: SSTs hard-linked); otherwise each store's column family is
///   cleared and refilled from the checkpoint's data;
/// - another parallelism: each new instance gets, from every old instance's data, the keys whose key
///   group (`FNV1a` of the store key) it owns now.
/// Changelogs are cut back to where the checkpoint saw them (`ChangelogStart`), never replayed on top.
final class StoreRestorer {
    let point: RestorePoint
    let keyGroups: KeyGroups
    /// Checkpoint RocksDB folders opened read-only, by relative path.
    private var readers: [String: RocksDBCheckpointReader] = [:]
    /// Tasks whose live database was replaced by a checkpoint's folder.
    private(set) var installedTasks: Set<Int> = []

    init(point: RestorePoint) throws {
        self.point = point
        let max = point.metadata.maxParallelism
        guard max >= 1 && max <= KeyGroups.largestMaxParallelism else {
            throw StoreError(store: point.directory, "checkpoint metadata: max parallelism \(max) is outside 1...\(KeyGroups.largestMaxParallelism)")
        }
        keyGroups = KeyGroups(maxParallelism: max)
    }

    deinit { close() }

    func close() {
        for reader in readers.values { reader.close() }
        readers = [:]
    }

    /// What the checkpoint holds of store `store` of operator `node`, or nil when it holds nothing of it (the
    /// operator or the store is new: it starts as without a checkpoint). Throws when the checkpoint names the
    /// store but a file of it is missing or corrupt.
    func source(node: String, store: String) throws -> StoreSource? {
        guard let saved = point.metadata.node(node) else { return nil }
        let n = saved.parallelism
        guard n >= 1 else { throw StoreError(store: store, "checkpoint \(point.directory): operator '\(node)' has parallelism \(n)") }
        let names = (0..<n).map { n > 1 ? "\(store)#\($0)" : store }
        guard names.contains(where: { holds(StoreSnapshot.path(of: $0)) }) else { return nil }
        var snapshots: [DecodedStoreSnapshot] = []
        for name in names {
            let relative = StoreSnapshot.path(of: name)
            guard holds(relative) else {
                throw StoreError(
                    store: name, "checkpoint \(point.directory) has no \(relative), though operator '\(node)' ran at parallelism \(n) in it")
            }
            let snapshot = try DecodedStoreSnapshot(path: point.path(relative))
            if snapshot.header.backend == .rocksdb, let folder = snapshot.header.rocksDBFolder {
                guard !folder.contains(".."), !folder.hasPrefix("/") else {
                    throw StoreError(store: name, "\(point.path(relative)): RocksDB folder '\(folder)' is outside the checkpoint")
                }
            }
            snapshots.append(snapshot)
        }
        return StoreSource(store: store, snapshots: snapshots)
    }

    /// Whether the checkpoint's `_metadata` lists `relative` (the files it was verified against).
    private func holds(_ relative: String) -> Bool { point.has(relative) }

    /// Before any database is opened: every task whose RocksDB stores (`stores`: instance name and the
    /// source each restores from) all come, at the same parallelism and under the same names, from one
    /// RocksDB checkpoint folder holding exactly those stores gets that folder as its live database.
    func installDatabases(
        _ stores: [(task: Int, liveFolder: String, instanceName: String, instance: Int, parallelism: Int, source: StoreSource?)]
    ) throws {
        for (task, entries) in Dictionary(grouping: stores, by: \.task) {
            var folder: String?
            var fits = true
            for e in entries {
                guard let source = e.source, source.previousParallelism == e.parallelism else {
                    fits = false
                    break
                }
                let header = source.snapshots[e.instance].header
                guard header.backend == .rocksdb, header.store == e.instanceName, let f = header.rocksDBFolder, folder == nil || folder == f else {
                    fits = false
                    break
                }
                folder = f
            }
            guard fits, let folder else { continue }
            let families = try reader(folder).families.filter { $0 != "default" }
            guard Set(families) == Set(entries.map(\.instanceName)), families.count == entries.count else { continue }
            readers.removeValue(forKey: folder)?.close()
            try RocksDBInstance.install(checkpoint: point.path(folder), as: entries[0].liveFolder)
            installedTasks.insert(task)
        }
    }

    /// Fills `targets` (one per instance now, each a fresh store) from `source`. Same parallelism: each
    /// instance gets its own old instance's entries — all of them — except stores whose task database was
    /// installed whole. Another parallelism: every old entry goes to the instance owning its key's group.
    func load(_ source: StoreSource, into targets: [KeyValueStore], tasks: [Int]) throws {
        var pending = 0
        func put(_ target: KeyValueStore, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws {
            try target.put(key, value)
            pending += 1
            // An indexed write batch holds everything until committed: commit in slices.
            if pending >= 10_000 {
                for t in targets { try t.commit() }
                pending = 0
            }
        }
        if source.previousParallelism == targets.count {
            for (i, target) in targets.enumerated() where !(target is RocksDBStore && installedTasks.contains(tasks[i])) {
                try forEachEntry(of: source.snapshots[i]) { key, value in try put(target, key, value) }
            }
        } else {
            for snapshot in source.snapshots {
                try forEachEntry(of: snapshot) { key, value in
                    let owner = keyGroups.instance(ofHash: FNV1a.hash(key), parallelism: targets.count)
                    try put(targets[owner], key, value)
                }
            }
        }
        for t in targets { try t.commit() }
    }

    /// Every entry a store instance saved: from its file (memory) or its column family in the checkpoint's
    /// RocksDB folder, opened read-only.
    private func forEachEntry(
        of snapshot: DecodedStoreSnapshot, _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        switch snapshot.header.backend {
        case .memory:
            try snapshot.forEachEntry(body)
        case .rocksdb:
            try reader(snapshot.header.rocksDBFolder!).forEach(family: snapshot.header.store, body)
        }
    }

    private func reader(_ folder: String) throws -> RocksDBCheckpointReader {
        if let r = readers[folder] { return r }
        let r = try RocksDBCheckpointReader(path: point.path(folder))
        readers[folder] = r
        return r
    }
}

/// The changelogs of a store, by instance name: `<store>.log` at parallelism 1, `<store>#i.log` above.
enum StoreChangelogs {
    /// The changelog files of `store` in `folder` (names only), with the instance index (nil: `<store>.log`).
    static func existing(of store: String, in folder: String) -> [(file: String, index: Int?)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name in
            guard name.hasSuffix(".log") else { return nil }
            let base = String(name.dropLast(4))
            if base == store { return (name, nil) }
            guard base.hasPrefix(store + "#"), let i = Int(base.dropFirst(store.count + 1)), i >= 0, "\(i)" == base.dropFirst(store.count + 1) else {
                return nil
            }
            return (name, i)
        }
    }

    /// Refuses to start `store` at `parallelism` when its changelogs were written at another one: the
    /// instances would open other files (or none) and silently start without that state.
    static func checkParallelism(of store: String, operator node: String, parallelism: Int, in folder: String) throws {
        let files = existing(of: store, in: folder)
        func holdsState(_ file: String) -> Bool {
            var info = stat()
            return stat("\(folder)/\(file)", &info) == 0 && info.st_size > 0
        }
        let indexes = Set(files.compactMap(\.index))
        let conflict: Bool
        if parallelism == 1 {
            conflict = files.contains { $0.index != nil && holdsState($0.file) }
        } else {
            let plainHoldsState = files.contains { $0.index == nil && holdsState($0.file) }
            let beyond = files.contains { ($0.index ?? 0) >= parallelism && holdsState($0.file) }
            // A run at fewer instances made #0..#p-1 only: some of ours are missing while others hold state.
            let missing =
                !indexes.isEmpty && (0..<parallelism).contains { !indexes.contains($0) } && files.contains { $0.index != nil && holdsState($0.file) }
            conflict = plainHoldsState || beyond || missing
        }
        guard conflict else { return }
        let previous = files.contains { $0.index == nil && holdsState($0.file) } ? 1 : (indexes.max() ?? 0) + 1
        let listed = files.filter { holdsState($0.file) }.map(\.file).sorted().joined(separator: ", ")
        throw StoreError(
            store: store,
            "its changelogs in \(folder) (\(listed)) were written by operator '\(node)' running at parallelism \(previous), but it now runs at parallelism \(parallelism): started like this, the store would silently lose that state. Restore from a checkpoint (it moves state to the new instances), run '\(node)' at parallelism \(previous) again, or remove those changelogs to start the store empty"
        )
    }

    /// After a restore: removes the changelogs of `store` that do not belong to `parallelism` (those of the
    /// checkpointed run's other parallelism, now stale).
    static func removeStale(of store: String, parallelism: Int, in folder: String) throws {
        for (file, index) in existing(of: store, in: folder) {
            let current = parallelism == 1 ? index == nil : (index.map { $0 < parallelism } ?? false)
            if current { continue }
            do {
                try FileManager.default.removeItem(atPath: "\(folder)/\(file)")
            } catch {
                throw StoreError(store: store, "cannot remove the stale changelog \(folder)/\(file): \(error.localizedDescription)")
            }
        }
    }
}
