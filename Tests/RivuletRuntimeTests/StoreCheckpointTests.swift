// StoreCheckpointTests: stores saved into a checkpoint folder (`snapshotStores`) and restored while planning:
// real RocksDB files (hard-linked SSTs), memory stores, changelogs cut back, rescaling by key group,
// corrupt files, changelogs from another parallelism, and a full disk.
import Foundation
import RivuletHashing
import RivuletRuntime
import RivuletState
import RivuletTestSupport
import Testing

@Suite(.serialized) struct StoreCheckpointTests {
    /// The stores fixture's counter `c` with store `counts` at `parallelism`; its task is `s` (fused to
    /// the source) at parallelism 1, `c#i` above.
    static func manifest(_ backend: String, parallelism: Int = 1, changelog: Bool = false, budget: String = "64MB") -> String {
        """
        plugins: { st: { library: stores } }
        stores:
          counts: { type: \(backend), changelog: \(changelog)\(backend == "memory" ? ", budget: \(budget)" : "") }
        sources:
          s: { type: file, path: in.csv, schema: { k: string, action: string }, key: k }
        operators:
          c: { plugin: st, operator: counter, stores: [counts], parallelism: \(parallelism), config: { prefix: a } }
        sinks:
          out: { type: file, path: out.csv, header: false }
          dump: { type: file, path: dump.csv, header: false }
        edges: [s -> c, c.out -> out, c.dump -> dump]
        """
    }

    /// Plans (never runs) `manifest` in `t`'s folder, restoring from `restore` if given.
    static func plan(_ t: TopologyRunner, _ manifest: String, restore: RestorePoint? = nil) throws -> ExecutionPlan {
        if !FileManager.default.fileExists(atPath: t.path("in.csv")) { t.write("in.csv", "k,action\n") }
        return try t.plan(manifest, extraPluginPaths: [try StoreTests.storesFolder()]) { $0.restore = restore }
    }

    static func store(_ plan: ExecutionPlan, _ name: String) throws -> KeyValueStore {
        try #require(plan.stores.first { $0.name == name }, "no store \(name) in \(plan.stores.map(\.name))")
    }

    static func put(_ s: KeyValueStore, _ key: String, _ value: String) throws {
        var k = key, v = value
        try k.withUTF8 { kb in try v.withUTF8 { vb in try s.put(UnsafeRawBufferPointer(kb), UnsafeRawBufferPointer(vb)) } }
    }

    static func delete(_ s: KeyValueStore, _ key: String) throws {
        var k = key
        try k.withUTF8 { try s.delete(UnsafeRawBufferPointer($0)) }
    }

    static func contents(_ s: KeyValueStore) throws -> [String: String] {
        var all: [String: String] = [:]
        let it = try s.scan(from: [], to: nil)
        defer { it.close() }
        while let (k, v) = it.next() { all[String(decoding: k, as: UTF8.self)] = String(decoding: v, as: UTF8.self) }
        return all
    }

    /// Saves every task's stores into `directory` (as the coordinator does at each task's barrier) and
    /// returns the restore point a `_metadata` listing them would give, and the files.
    static func checkpoint(_ plan: ExecutionPlan, into directory: String) throws -> (RestorePoint, [String]) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [String] = []
        for task in plan.tasks.indices { files += try plan.snapshotStores(ofTask: task, into: directory) }
        return (try restorePoint(plan, directory, files), files)
    }

    /// A restore point for `files` in `directory`, with `plan`'s nodes and their parallelism.
    static func restorePoint(_ plan: ExecutionPlan, _ directory: String, _ files: [String]) throws -> RestorePoint {
        let metadata: [String: Any] = [
            "format": 1, "id": 1, "time": "2026-12-01T00:00:00Z", "timeMilliseconds": 0, "manifestHash": "0", "manifest": "m.yaml",
            "final": false, "savepoint": false, "maxParallelism": KeyGroups.defaultMaxParallelism, "plugins": [[String: String]](),
            "nodes": plan.nodes.map { ["name": $0.name, "role": "\($0.role)", "parallelism": $0.parallelism] as [String: Any] },
            "tasks": plan.tasks.map { ["name": $0.name, "finished": false] as [String: Any] },
            "files": files.map { ["path": $0, "size": Self.size(directory + "/" + $0)] as [String: Any] },
        ]
        let data = try JSONSerialization.data(withJSONObject: metadata)
        return RestorePoint(directory: directory, metadata: try JSONDecoder().decode(CheckpointMetadata.self, from: data))
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : -1
    }

    static func inode(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    /// The instance of `parallelism` owning `key` (its store key's group).
    static func owner(_ key: String, _ parallelism: Int) -> Int {
        var k = key
        return k.withUTF8 { KeyGroups().instance(ofHash: FNV1a.hash(UnsafeRawBufferPointer($0)), parallelism: parallelism) }
    }

    static func instanceName(_ parallelism: Int, _ i: Int) -> String { parallelism > 1 ? "counts#\(i)" : "counts" }

    // MARK: RocksDB

    /// Write, checkpoint, write more, restore: exactly the checkpoint's contents. The checkpoint's SST
    /// files are the live database's (hard links: the same inode), and so are the restored database's;
    /// the restored database takes writes without touching the checkpoint.
    @Test func rocksDBRestoresExactlyTheCheckpointFromHardLinkedFiles() throws {
        let t = TopologyRunner()
        var plan = try Self.plan(t, Self.manifest("rocksdb"))
        var s = try Self.store(plan, "counts")
        for i in 0..<3000 { try Self.put(s, "k\(i)", "v\(i)") }
        try s.commit()
        let chk = t.path("checkpoints/chk-1")
        let (point, files) = try Self.checkpoint(plan, into: chk)
        #expect(files.contains("stores/counts.state"))
        let ssts = files.filter { $0.hasPrefix("rocksdb/s/") && $0.hasSuffix(".sst") }
        try #require(!ssts.isEmpty, "\(files)")
        #expect(files.contains("rocksdb/s/CURRENT"))
        let live = t.path("state/rocksdb/s")
        for sst in ssts {
            let name = (sst as NSString).lastPathComponent
            #expect(Self.inode(chk + "/" + sst) == Self.inode(live + "/" + name), "\(sst) is a hard link of the live file")
        }
        let expected = try Self.contents(s)
        #expect(expected.count == 3000)
        // Newer state the restore must drop: changes, deletions, new keys.
        for i in 0..<500 { try Self.put(s, "k\(i)", "changed") }
        for i in 500..<700 { try Self.delete(s, "k\(i)") }
        for i in 0..<100 { try Self.put(s, "new\(i)", "x") }
        try s.commit()
        plan.close()

        plan = try Self.plan(t, Self.manifest("rocksdb"), restore: point)
        s = try Self.store(plan, "counts")
        #expect(try Self.contents(s) == expected)
        for sst in ssts {
            let name = (sst as NSString).lastPathComponent
            #expect(Self.inode(live + "/" + name) == Self.inode(chk + "/" + sst), "the restored database shares \(name) with the checkpoint")
        }
        try Self.put(s, "after", "restore")
        try s.commit()
        plan.close()
        let reader = try RocksDBCheckpointReader(path: chk + "/rocksdb/s")
        var saved: [String: String] = [:]
        try reader.forEach(family: "counts") { k, v in saved[String(decoding: k, as: UTF8.self)] = String(decoding: v, as: UTF8.self) }
        reader.close()
        #expect(saved == expected, "the checkpoint is unchanged by the restored run's writes")
        plan = try Self.plan(t, Self.manifest("rocksdb"))
        #expect(try Self.contents(try Self.store(plan, "counts"))["after"] == "restore", "the next run starts from the restored database")
        plan.close()
    }

    /// The write batch in flight is part of the checkpoint (committed before RocksDB's checkpoint).
    @Test func uncommittedWritesAtTheBarrierAreInTheCheckpoint() throws {
        let t = TopologyRunner()
        var plan = try Self.plan(t, Self.manifest("rocksdb"))
        let s = try Self.store(plan, "counts")
        try Self.put(s, "a", "1")
        let (point, _) = try Self.checkpoint(plan, into: t.path("chk"))
        try Self.put(s, "b", "2")
        try s.commit()
        plan.close()
        plan = try Self.plan(t, Self.manifest("rocksdb"), restore: point)
        #expect(try Self.contents(try Self.store(plan, "counts")) == ["a": "1"])
        plan.close()
    }

    /// When the task's database is not the checkpoint's as a whole (here the operator now also has a store
    /// the checkpoint lacks), each restored store's column family is cleared and refilled: newer writes in
    /// the live database are gone, the new store starts empty.
    @Test func aTaskThatCannotTakeTheWholeDatabaseIsRestoredStoreByStore() throws {
        let t = TopologyRunner()
        let one = Self.manifest("rocksdb")
        let two = one.replacingOccurrences(of: "stores: [counts]", with: "stores: [counts, extra]")
            .replacingOccurrences(of: "stores:\n", with: "stores:\n  extra: { type: rocksdb }\n")
        var plan = try Self.plan(t, one)
        for i in 0..<100 { try Self.put(try Self.store(plan, "counts"), "k\(i)", "v\(i)") }
        let (point, _) = try Self.checkpoint(plan, into: t.path("chk"))
        let expected = try Self.contents(try Self.store(plan, "counts"))
        for i in 0..<10 { try Self.put(try Self.store(plan, "counts"), "k\(i)", "newer") }
        try Self.put(try Self.store(plan, "counts"), "newer", "x")
        try Self.store(plan, "counts").commit()
        plan.close()
        plan = try Self.plan(t, two, restore: point)
        #expect(try Self.contents(try Self.store(plan, "counts")) == expected)
        #expect(try Self.contents(try Self.store(plan, "extra")).isEmpty)
        plan.close()
    }

    // MARK: Memory stores and changelogs

    /// A memory store's file round trip; its changelog is cut back to the checkpoint's length, not
    /// replayed on top, so a later start without a checkpoint rebuilds the same state from it.
    @Test(arguments: ["memory", "rocksdb"])
    func aChangelogIsCutBackToTheCheckpoint(backend: String) throws {
        let t = TopologyRunner()
        var plan = try Self.plan(t, Self.manifest(backend, changelog: true))
        var s = try Self.store(plan, "counts")
        for i in 0..<200 { try Self.put(s, "k\(i)", "v\(i)") }
        try Self.delete(s, "k7")
        try s.commit()
        let changelog = t.path("state/changelog/counts.log")
        let (point, files) = try Self.checkpoint(plan, into: t.path("chk"))
        let length = Self.size(changelog)
        #expect(length > 0)
        #expect(files.contains("stores/counts.state"))
        let expected = try Self.contents(s)
        for i in 0..<50 { try Self.put(s, "k\(i)", "later") }
        try s.commit()
        #expect(Self.size(changelog) > length)
        plan.close()

        plan = try Self.plan(t, Self.manifest(backend, changelog: true), restore: point)
        s = try Self.store(plan, "counts")
        #expect(try Self.contents(s) == expected)
        let logged = try #require((s as? MeteredStore)?.inner as? LoggedStore)
        #expect(logged.restoredEntries == 0, "the changelog is not replayed on top of the restored store")
        #expect(!logged.rewroteChangelog)
        #expect(Self.size(changelog) == length, "cut back to the checkpoint's length")
        plan.close()
        if backend == "rocksdb" { try FileManager.default.removeItem(atPath: t.path("state/rocksdb")) }
        plan = try Self.plan(t, Self.manifest(backend, changelog: true))
        #expect(try Self.contents(try Self.store(plan, "counts")) == expected, "the changelog rebuilds the checkpoint's state")
        plan.close()
    }

    /// A changelog that is not the one the checkpoint saw (lost, or another run's) is written anew from
    /// the restored store.
    @Test func aForeignChangelogIsWrittenAnew() throws {
        let t = TopologyRunner()
        var plan = try Self.plan(t, Self.manifest("memory", changelog: true))
        for i in 0..<20 { try Self.put(try Self.store(plan, "counts"), "k\(i)", "v") }
        try Self.store(plan, "counts").commit()
        let (point, _) = try Self.checkpoint(plan, into: t.path("chk"))
        let expected = try Self.contents(try Self.store(plan, "counts"))
        plan.close()
        try FileManager.default.removeItem(atPath: t.path("state/changelog/counts.log"))
        plan = try Self.plan(t, Self.manifest("memory", changelog: true), restore: point)
        let logged = try #require((try Self.store(plan, "counts") as? MeteredStore)?.inner as? LoggedStore)
        #expect(logged.rewroteChangelog)
        plan.close()
        plan = try Self.plan(t, Self.manifest("memory", changelog: true))
        #expect(try Self.contents(try Self.store(plan, "counts")) == expected)
        plan.close()
    }

    // MARK: Rescaling

    /// Keys written where records of that key go (the instance owning the store key's group), checkpointed
    /// at `from` instances and restored at `to`: every key ends in the store of the instance that owns its
    /// group now, with its value, none lost or duplicated. Changelogs of the old parallelism are removed
    /// and the new ones rebuild the same stores.
    @Test(arguments: [("memory", 2, 3), ("rocksdb", 2, 3), ("rocksdb", 3, 1), ("memory", 1, 2), ("rocksdb", 2, 2)])
    func rescalingMovesEveryKeyToTheInstanceOwningItsGroup(backend: String, from: Int, to: Int) throws {
        let t = TopologyRunner()
        var plan = try Self.plan(t, Self.manifest(backend, parallelism: from, changelog: true))
        let keys = (0..<600).map { "key-\($0)" }
        for key in keys { try Self.put(try Self.store(plan, Self.instanceName(from, Self.owner(key, from))), key, "value of \(key)") }
        for s in plan.stores { try s.commit() }
        let (point, _) = try Self.checkpoint(plan, into: t.path("chk"))
        // Newer writes that must not survive.
        for key in keys.prefix(50) { try Self.put(try Self.store(plan, Self.instanceName(from, Self.owner(key, from))), key, "later") }
        for s in plan.stores { try s.commit() }
        plan.close()

        plan = try Self.plan(t, Self.manifest(backend, parallelism: to, changelog: true), restore: point)
        var seen: [String: Int] = [:]
        for i in 0..<to {
            for (key, value) in try Self.contents(try Self.store(plan, Self.instanceName(to, i))) {
                #expect(Self.owner(key, to) == i, "\(key) is in instance \(i) of \(to)")
                #expect(value == "value of \(key)")
                seen[key, default: 0] += 1
            }
        }
        #expect(seen.count == keys.count, "no key lost")
        #expect(seen.values.allSatisfy { $0 == 1 }, "no key duplicated")
        plan.close()
        let logs = try FileManager.default.contentsOfDirectory(atPath: t.path("state/changelog")).sorted()
        #expect(logs == (0..<to).map { Self.instanceName(to, $0) + ".log" }.sorted(), "the old parallelism's changelogs are gone")
        // A start without a checkpoint at the new parallelism finds its changelogs and its stores.
        if backend == "rocksdb" { try FileManager.default.removeItem(atPath: t.path("state/rocksdb")) }
        plan = try Self.plan(t, Self.manifest(backend, parallelism: to, changelog: true))
        let total = try (0..<to).reduce(0) { $0 + (try Self.contents(try Self.store(plan, Self.instanceName(to, $1)))).count }
        #expect(total == keys.count)
        plan.close()
    }

    /// A checkpoint of memory stores restores into RocksDB stores (and the other way): entries are copied.
    @Test func aCheckpointRestoresIntoAnotherBackend() throws {
        let t = TopologyRunner()
        var plan = try Self.plan(t, Self.manifest("memory"))
        for i in 0..<100 { try Self.put(try Self.store(plan, "counts"), "k\(i)", "v\(i)") }
        var (point, _) = try Self.checkpoint(plan, into: t.path("chk-1"))
        let expected = try Self.contents(try Self.store(plan, "counts"))
        plan.close()
        plan = try Self.plan(t, Self.manifest("rocksdb"), restore: point)
        #expect(try Self.contents(try Self.store(plan, "counts")) == expected)
        (point, _) = try Self.checkpoint(plan, into: t.path("chk-2"))
        plan.close()
        plan = try Self.plan(t, Self.manifest("memory"), restore: point)
        #expect(try Self.contents(try Self.store(plan, "counts")) == expected)
        plan.close()
    }

    // MARK: Failures

    /// A truncated or damaged store file, or one missing, fails planning with the file's path and what is wrong.
    @Test func aCorruptOrMissingFileIsAClearError() throws {
        let t = TopologyRunner()
        var plan = try Self.plan(t, Self.manifest("memory", parallelism: 2))
        for i in 0..<100 { try Self.put(try Self.store(plan, "counts#\(Self.owner("k\(i)", 2))"), "k\(i)", "v\(i)") }
        let (point, _) = try Self.checkpoint(plan, into: t.path("chk"))
        plan.close()
        let file = point.path("stores/counts#0.state")
        let bytes = try #require(FileManager.default.contents(atPath: file))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: file))
        #expect {
            try Self.plan(t, Self.manifest("memory", parallelism: 2), restore: point)
        } throws: { "\($0)".contains(file) && "\($0)".contains("runs past the end") }
        try Data("not a snapshot at all".utf8).write(to: URL(fileURLWithPath: file))
        #expect {
            try Self.plan(t, Self.manifest("memory", parallelism: 2), restore: point)
        } throws: { "\($0)".contains(file) && "\($0)".contains("not an operator snapshot") }
        try FileManager.default.removeItem(atPath: file)
        #expect {
            try Self.plan(t, Self.manifest("memory", parallelism: 2), restore: point)
        } throws: { "\($0)".contains(file) && "\($0)".contains("missing or unreadable") }
        // A checkpoint that holds no file of the store at all (the store is new): a fresh start, empty.
        plan = try Self.plan(t, Self.manifest("memory", parallelism: 2), restore: try Self.restorePoint(plan, point.directory, []))
        #expect(try Self.contents(try Self.store(plan, "counts#0")).isEmpty)
        plan.close()
    }

    @Test func oneMissingInstanceFileIsAClearError() throws {
        let t = TopologyRunner()
        let plan = try Self.plan(t, Self.manifest("memory", parallelism: 2))
        var (point, files) = try Self.checkpoint(plan, into: t.path("chk"))
        plan.close()
        try FileManager.default.removeItem(atPath: point.path("stores/counts#1.state"))
        point = try Self.restorePoint(plan, point.directory, files.filter { $0 != "stores/counts#1.state" })
        #expect {
            try Self.plan(t, Self.manifest("memory", parallelism: 2), restore: point)
        } throws: { "\($0)".contains("has no stores/counts#1.state, though operator 'c' ran at parallelism 2 in it") }
    }

    /// Without a checkpoint, changelogs written at another parallelism are refused with a message naming
    /// the store and both parallelisms (the instances would open other files and start empty); a
    /// checkpoint restore at the new parallelism moves the state instead.
    @Test(arguments: [(1, 2), (2, 3), (3, 2), (2, 1)])
    func changelogsOfAnotherParallelismAreRefused(before: Int, now: Int) throws {
        let t = TopologyRunner()
        t.write("in.csv", "k,action\n" + (0..<40).map { "key\($0),inc\n" }.joined())
        _ = try t.run(Self.manifest("memory", parallelism: before, changelog: true), extraPluginPaths: [try StoreTests.storesFolder()])
        #expect {
            try Self.plan(t, Self.manifest("memory", parallelism: now, changelog: true))
        } throws: {
            let text = "\($0)"
            return text.contains("store 'counts'") && text.contains("running at parallelism \(before)")
                && text.contains("now runs at parallelism \(now)") && text.contains("Restore from a checkpoint")
        }
        // The same parallelism again is fine, and so is a restore from a checkpoint at the new one.
        let plan = try Self.plan(t, Self.manifest("memory", parallelism: before, changelog: true))
        let total = try (0..<before).reduce(0) { $0 + (try Self.contents(try Self.store(plan, Self.instanceName(before, $1)))).count }
        #expect(total == 40)
        let (point, _) = try Self.checkpoint(plan, into: t.path("chk"))
        plan.close()
        let restored = try Self.plan(t, Self.manifest("memory", parallelism: now, changelog: true), restore: point)
        let moved = try (0..<now).reduce(0) { $0 + (try Self.contents(try Self.store(restored, Self.instanceName(now, $1)))).count }
        #expect(moved == 40)
        restored.close()
        try Self.plan(t, Self.manifest("memory", parallelism: now, changelog: true)).close()
    }

    /// A full disk under the checkpoint folder (a 1 MB tmpfs) fails the snapshot with the store, the path
    /// and the reason; the process goes on, the live stores stay usable and a later checkpoint elsewhere
    /// succeeds.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskFailsTheSnapshotAndLeavesTheStoresUsable() throws {
        let t = TopologyRunner()
        let disk = t.path("small")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        try #require(try DiskFullTests.sh("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", disk]) == 0)
        defer { _ = try? DiskFullTests.sh("/bin/umount", [disk]) }
        var random = SystemRandomNumberGenerator()
        let noise = (0..<3000).map { _ in String((0..<600).map { _ in Character(UnicodeScalar(UInt8.random(in: 33...126, using: &random))) }) }
        for backend in ["rocksdb", "memory"] {
            let plan = try Self.plan(t, Self.manifest(backend))
            let s = try Self.store(plan, "counts")
            for (i, value) in noise.enumerated() { try Self.put(s, "k\(i)", value) }
            try s.commit()
            let target = disk + "/chk-\(backend)"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            #expect {
                _ = try plan.snapshotStores(ofTask: 0, into: target)
            } throws: {
                let text = "\($0)"
                return text.contains("store 'counts'") && text.contains(target) && text.contains("No space left on device")
            }
            try Self.put(s, "after", "failure")
            try s.commit()
            #expect(try Self.contents(s)["after"] == "failure")
            #expect(try Self.contents(s).count == noise.count + 1)
            let (point, _) = try Self.checkpoint(plan, into: t.path("chk-\(backend)"))
            plan.close()
            let restored = try Self.plan(t, Self.manifest(backend), restore: point)
            #expect(try Self.contents(try Self.store(restored, "counts")).count == noise.count + 1)
            restored.close()
        }
    }
}
