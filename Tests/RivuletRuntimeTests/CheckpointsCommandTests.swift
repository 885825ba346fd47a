// CheckpointsCommandTests: `rivulet checkpoints list` and `inspect` on the checkpoints of a real run: lines, sizes, damage.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

/// A checkpointed run of a topology with a C plugin (running_total: state of its own), a stream–table
/// join whose table is in RocksDB (a store file and a RocksDB folder in each checkpoint) and a window;
/// then the commands on what it left, checked against the files themselves.
@Suite struct CheckpointsCommandTests {
    static let manifest = """
        plugins:
          c: { library: rv_std_c }
        stores:
          profiles_table: { type: rocksdb }
        sources:
          clicks:
            type: file
            path: clicks.csv
            header: false
            batch_size: 128
            schema: { ts: i64, id: string, user: string, amount: i64 }
            time: { type: event, field: ts, format: epoch_ms, max_out_of_order: 2s }
          profiles:
            type: file
            path: profiles.csv
            header: false
            batch_size: 16
            schema: { ts: i64, user: string, tier: string }
            time: { type: event, field: ts, format: epoch_ms, max_out_of_order: 2s }
        operators:
          enrich: { join: stream_table, type: left, left_key: user, right_key: user, store: profiles_table }
          total: { plugin: c, operator: running_total, config: { field: amount } }
          per_user:
            window: tumbling
            size: 10s
            key_by: user
            aggregates: { clicks: count(), spent: sum(amount) }
        sinks:
          enriched: { type: file, path: enriched.csv }
          windows: { type: file, path: windows.csv }
        edges:
          - clicks -> enrich.left
          - profiles -> enrich.right
          - enrich.out -> total
          - total.out -> enriched
          - clicks -> per_user
          - per_user.out -> windows
        dead_letters: { type: file, path: dead.jsonl }
        """

    /// A folder with the manifest and its inputs, run to its end with a checkpoint every 20 ms into `<folder>/chk`.
    static func checkpointedRun(_ label: String) throws -> String {
        let folder = Fixtures.temporaryDirectory(label)
        Fixtures.write(manifest, to: folder + "/m.yaml")
        var random = SeededRandom(seed: 11)
        let base = 1_700_000_000_000
        var clicks = "", profiles = ""
        for i in 0..<100_000 { clicks += "\(base + i * 10),c\(i),u\(random.next() % 40),\(random.next() % 500)\n" }
        for j in 0..<5_000 { profiles += "\(base + j * 200 + 1),u\(random.next() % 40),tier\(random.next() % 4)\n" }
        Fixtures.write(clicks, to: folder + "/clicks.csv")
        Fixtures.write(profiles, to: folder + "/profiles.csv")
        let plugin = (try Fixtures.standardCPlugin() as NSString).deletingLastPathComponent
        let run = try RivuletProcess.run(
            ["run", folder + "/m.yaml", "--quiet", "--plugin-path", plugin] + checkpointOptions(folder), deadline: 300)
        try #require(run.status == 0 && !run.signaled, "\(run.ending): \(run.stderr)")
        return folder
    }

    static func checkpointOptions(_ folder: String) -> [String] {
        ["--set", "checkpoint.interval=20ms", "--set", "checkpoint.dir=\(folder)/chk"]
    }

    /// The ids of the `chk-N/` folders, newest first.
    static func ids(_ folder: String) throws -> [UInt64] {
        try FileManager.default.contentsOfDirectory(atPath: folder + "/chk").compactMap { name in
            name.hasPrefix("chk-") ? UInt64(name.dropFirst(4)) : nil
        }.sorted(by: >)
    }

    static func metadata(_ checkpoint: String) throws -> CheckpointMetadata {
        try JSONDecoder().decode(CheckpointMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: checkpoint + "/_metadata")))
    }

    /// Bytes and number of the files under `folder` (optionally only those whose path starts with `prefix`), `_metadata` excepted.
    static func sizeOnDisk(_ folder: String, under prefix: String = "") throws -> (bytes: Int64, files: Int) {
        var bytes: Int64 = 0, files = 0
        for case let relative as String in FileManager.default.enumerator(atPath: folder)! where relative != "_metadata" && relative.hasPrefix(prefix)
        {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + relative)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            bytes += (attributes[.size] as! NSNumber).int64Value
            files += 1
        }
        return (bytes, files)
    }

    /// A line with its runs of spaces (the column padding) made single.
    static func collapsed(_ line: Substring) -> String { line.split(separator: " ").joined(separator: " ") }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(collapsed) }

    static func files(_ n: Int) -> String { n == 1 ? "1 file" : "\(n) files" }

    @Test func listShowsEveryCheckpointNewestFirstWithItsSizeAndTheFinalOne() throws {
        let folder = try Self.checkpointedRun("rivulet-ckcli-list")
        let ids = try Self.ids(folder)
        try #require(ids.count >= 2, "the run took several checkpoints and keeps the newest 3: \(ids)")
        var expected: [String] = []
        for (i, id) in ids.enumerated() {
            let path = "\(folder)/chk/chk-\(id)"
            let metadata = try Self.metadata(path)
            let disk = try Self.sizeOnDisk(path)
            // The sizes the metadata records are the files' sizes.
            #expect(metadata.files.reduce(0) { $0 + $1.size } == disk.bytes)
            #expect(metadata.files.count == disk.files)
            #expect(metadata.final == (i == 0), "only the newest is the run's final checkpoint")
            expected.append("chk-\(id) \(metadata.time) \(disk.bytes) bytes \(Self.files(disk.files)) \(i == 0 ? "final" : "complete")")
        }
        let list = try RivuletProcess.run(["checkpoints", "list", folder + "/chk"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(Self.lines(list.stdout) == expected, "\(list.stdout)")
        // Given the manifest and the same --set, the same list.
        let viaManifest = try RivuletProcess.run(["checkpoints", "list", folder + "/m.yaml"] + Self.checkpointOptions(folder))
        #expect(viaManifest.status == 0, "\(viaManifest.stderr)")
        #expect(viaManifest.stdout == list.stdout)
        // The runtime's list is what the command prints.
        let summaries = CheckpointStorage(directory: folder + "/chk", retain: 3).list()
        #expect(summaries.map(\.id) == ids)
        #expect(summaries.map(\.state) == [.final] + Array(repeating: .complete, count: ids.count - 1))
        // JSON: the same facts.
        let json = try RivuletProcess.run(["checkpoints", "list", folder + "/chk", "--json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        #expect(decoded.map { ($0["id"] as! NSNumber).uint64Value } == ids)
        #expect(decoded.map { $0["state"] as! String } == ["final"] + Array(repeating: "complete", count: ids.count - 1))
        #expect(decoded.map { ($0["bytes"] as! NSNumber).int64Value } == summaries.map(\.bytes))
    }

    @Test func inspectShowsTheMetadataTheSizesPerNodeAndStoreAndTheVerification() throws {
        let folder = try Self.checkpointedRun("rivulet-ckcli-inspect")
        let ids = try Self.ids(folder)
        let newest = "\(folder)/chk/chk-\(ids[0])"
        let metadata = try Self.metadata(newest)
        let inspect = try RivuletProcess.run(["checkpoints", "inspect", newest])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let lines = Self.lines(inspect.stdout)
        let total = try Self.sizeOnDisk(newest)
        #expect(lines.contains("checkpoint \(ids[0]): \(newest)"), "\(inspect.stdout)")
        #expect(lines.contains("state: final (the run's last: its input was all processed)"))
        #expect(lines.contains("time: \(metadata.time) (\(metadata.timeMilliseconds) ms since the epoch)"))
        #expect(lines.contains("manifest: \(folder)/m.yaml (unchanged since: hash \(metadata.manifestHash) matches)"), "\(inspect.stdout)")
        #expect(lines.contains("max_parallelism: 128"))
        #expect(lines.contains("plugins: c 1.0.0"), "rv_std_c's version")
        #expect(lines.contains("size: \(total.bytes) bytes in \(Self.files(total.files))"))
        // Every node: role, parallelism, finished, and the files the metadata assigns to it.
        let roles = ["clicks": "source", "profiles": "source", "enrich": "operator", "total": "operator", "per_user": "operator"]
        for (node, role) in roles.merging(["enriched": "sink", "windows": "sink"], uniquingKeysWith: { a, _ in a }) {
            let own = metadata.files.filter { $0.node == node }
            #expect(!own.isEmpty, "\(node) has state of its own")
            let line = "\(node) \(role) parallelism 1 finished \(own.reduce(0) { $0 + $1.size }) bytes \(Self.files(own.count))"
            #expect(lines.contains(line), "\(line) in \(inspect.stdout)")
        }
        // The join's table: its store file and its task's RocksDB database, sized as on disk.
        let store = try Self.sizeOnDisk(newest, under: "stores/profiles_table.state")
        #expect(lines.contains("stores/profiles_table.state \(store.bytes) bytes 1 file"), "\(inspect.stdout)")
        let rocksdb = try Self.sizeOnDisk(newest, under: "rocksdb/enrich/")
        #expect(rocksdb.files >= 3)
        #expect(lines.contains("rocksdb/enrich \(rocksdb.bytes) bytes \(Self.files(rocksdb.files))"), "\(inspect.stdout)")
        let ssts = metadata.files.filter { $0.path.hasSuffix(".sst") }.count
        #expect(
            lines.contains(
                "verification: ok: \(Self.files(total.files)) intact (sizes and checksums"
                    + (ssts > 0 ? "; \(ssts) RocksDB SST file\(ssts == 1 ? "" : "s") by size only)" : ")")), "\(inspect.stdout)")

        // --json: the metadata as written, and the verification.
        let json = try RivuletProcess.run(["checkpoints", "inspect", newest, "--json"])
        #expect(json.status == 0)
        struct Report: Decodable {
            struct Verification: Decodable {
                let ok: Bool
                let filesVerified: Int
                let problems: [[String: String]]
            }
            let metadata: CheckpointMetadata
            let verification: Verification
            let manifestState: String
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        #expect(report.metadata == metadata)
        #expect(report.verification.ok && report.verification.filesVerified == total.files && report.verification.problems.isEmpty)
        #expect(report.manifestState == "unchanged")

        // An older one by id, from the checkpoint folder or the manifest.
        let older = try RivuletProcess.run(["checkpoints", "inspect", folder + "/chk", "--id", "\(ids[1])"])
        #expect(older.status == 0, "\(older.stderr)")
        #expect(Self.lines(older.stdout).contains("state: complete"), "\(older.stdout)")
        let viaManifest = try RivuletProcess.run(
            ["checkpoints", "inspect", folder + "/m.yaml", "--id", "\(ids[1])"] + Self.checkpointOptions(folder))
        #expect(viaManifest.stdout == older.stdout, "\(viaManifest.stderr)")
        let absent = try RivuletProcess.run(["checkpoints", "inspect", folder + "/chk", "--id", "\(ids[0] + 100)"])
        #expect(absent.status == 1)
        #expect(absent.stderr.contains("no checkpoint \(ids[0] + 100) in \(folder)/chk (it holds chk-\(ids[0])"), "\(absent.stderr)")

        // The manifest changed, then gone.
        Fixtures.write(Self.manifest + "\n# edited\n", to: folder + "/m.yaml")
        let changed = try RivuletProcess.run(["checkpoints", "inspect", newest])
        #expect(changed.status == 0, "a changed manifest is reported, not a failed check")
        #expect(Self.lines(changed.stdout).contains("manifest: \(folder)/m.yaml (changed since: its hash is no longer \(metadata.manifestHash))"))
        try FileManager.default.removeItem(atPath: folder + "/m.yaml")
        let gone = try RivuletProcess.run(["checkpoints", "inspect", newest])
        #expect(Self.lines(gone.stdout).contains("manifest: \(folder)/m.yaml (no longer exists; hash was \(metadata.manifestHash))"))
    }

    @Test func aDamagedFileAndAnInProgressFolderAreShown() throws {
        let folder = try Self.checkpointedRun("rivulet-ckcli-damage")
        let ids = try Self.ids(folder)
        let newest = "\(folder)/chk/chk-\(ids[0])"
        let metadata = try Self.metadata(newest)
        // One byte of the clicks source's position changes (same size, wrong checksum).
        let position = newest + "/sources/clicks.position"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: position)))
        bytes[bytes.count - 1] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: position))
        // A checkpoint being written (or left by a crash): a folder without _metadata.
        let next = ids[0] + 1
        let inProgress = "\(folder)/chk/chk-\(next).inprogress"
        try FileManager.default.createDirectory(atPath: inProgress + "/sources", withIntermediateDirectories: true)
        Fixtures.write("partial", to: inProgress + "/sources/clicks.position")

        let list = try RivuletProcess.run(["checkpoints", "list", folder + "/chk"])
        #expect(list.status == 0, "a damaged checkpoint is listed, not a failure: \(list.stderr)")
        let lines = Self.lines(list.stdout)
        try #require(lines.count == ids.count + 1, "\(list.stdout)")
        #expect(lines[0] == "chk-\(next).inprogress - 7 bytes 1 file in progress")
        let disk = try Self.sizeOnDisk(newest)
        #expect(
            lines[1]
                == "chk-\(ids[0]) \(metadata.time) \(disk.bytes) bytes \(Self.files(disk.files)) damaged: sources/clicks.position does not match its checksum",
            "\(list.stdout)")
        #expect(lines[2].hasSuffix(" complete"))

        let inspect = try RivuletProcess.run(["checkpoints", "inspect", newest])
        #expect(inspect.status == 1)
        let report = Self.lines(inspect.stdout)
        #expect(report.contains("state: damaged: 1 failed check, see below (its metadata says final)"), "\(inspect.stdout)")
        #expect(report.contains("verification: FAILED: 1 of \(Self.files(metadata.files.count)) failed their check"), "\(inspect.stdout)")
        #expect(report.contains("sources/clicks.position does not match its checksum"))
        let json = try RivuletProcess.run(["checkpoints", "inspect", newest, "--json"])
        #expect(json.status == 1)
        let verification = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any])["verification"] as! [String: Any]
        #expect(verification["ok"] as? Bool == false)
        #expect((verification["problems"] as! [[String: String]]) == [["file": "sources/clicks.position", "problem": "does not match its checksum"]])

        // A missing file and a truncated one: both reported by inspect, the first (and a count) by list.
        try FileManager.default.removeItem(atPath: "\(folder)/chk/chk-\(ids[1])/sources/profiles.position")
        let operatorFile = "\(folder)/chk/chk-\(ids[1])/operators/total#0.state"
        try FileHandle(forWritingTo: URL(fileURLWithPath: operatorFile)).truncate(atOffset: 3)
        let recorded = try Self.metadata("\(folder)/chk/chk-\(ids[1])").files.first { $0.path == "operators/total#0.state" }!.size
        let again = try RivuletProcess.run(["checkpoints", "list", folder + "/chk"])
        #expect(
            Self.lines(again.stdout)[2].hasSuffix(
                "damaged: operators/total#0.state has 3 bytes, the metadata says \(recorded) (and 1 more failed check)"),
            "\(again.stdout)")
        let both = try RivuletProcess.run(["checkpoints", "inspect", folder + "/chk", "--id", "\(ids[1])"])
        #expect(both.status == 1)
        #expect(Self.lines(both.stdout).contains("sources/profiles.position is missing"), "\(both.stdout)")

        let pending = try RivuletProcess.run(["checkpoints", "inspect", inProgress])
        #expect(pending.status == 1, "an in-progress checkpoint cannot be restored")
        #expect(pending.stdout.hasPrefix("checkpoint \(next) (in progress): \(inProgress)\n"), "\(pending.stdout)")
        #expect(Self.lines(pending.stdout).contains("on disk: 7 bytes in 1 file"))
    }

    @Test func nothingToListIsAClearMessage() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-ckcli-none")
        let missing = try RivuletProcess.run(["checkpoints", "list", folder + "/nothing"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no such checkpoint folder, checkpoint or manifest"), "\(missing.stderr)")
        let empty = try RivuletProcess.run(["checkpoints", "list", folder])
        #expect(empty.status == 1 && empty.stdout.isEmpty)
        #expect(empty.stderr.contains("no checkpoints in \(folder)"), "\(empty.stderr)")
        // A manifest whose checkpoint folder does not exist yet; one that takes no checkpoints.
        Fixtures.write(Self.manifest, to: folder + "/m.yaml")
        let notYet = try RivuletProcess.run(["checkpoints", "list", folder + "/m.yaml", "--set", "checkpoint.dir=chk"])
        #expect(notYet.status == 1)
        #expect(notYet.stderr.contains("the checkpoint folder \(folder)/chk does not exist"), "\(notYet.stderr)")
        let none = try RivuletProcess.run(["checkpoints", "list", folder + "/m.yaml"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("has no checkpoint section"), "\(none.stderr)")
        let newest = try RivuletProcess.run(["checkpoints", "inspect", folder])
        #expect(newest.status == 1)
        #expect(newest.stderr.contains("no complete checkpoint in \(folder)"), "\(newest.stderr)")
    }
}
