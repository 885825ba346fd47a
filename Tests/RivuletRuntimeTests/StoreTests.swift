// StoreTests: state stores through the host API: CRUD and scan order per backend, restore from changelog
// across process restarts, RocksDB files on disk reopened by a second process, the memory budget error.
import Foundation
import RivuletState
import RivuletTestSupport
import Testing

@Suite struct StoreTests {
    static func storesFolder() throws -> String { (try Fixtures.plugin("stores") as NSString).deletingLastPathComponent }

    /// A topology: `in.csv` (`k,action`) into the fixture's counter with store `counts` of `backend`.
    static func manifest(_ backend: String, changelog: Bool = false, scan: String = "prefix: a", stateDirectory: String? = nil) -> String {
        """
        plugins: { st: { library: stores } }
        stores:
          counts: { type: \(backend), changelog: \(changelog) }
        \(stateDirectory.map { "state_directory: \($0)" } ?? "")
        sources:
          s: { type: file, path: in.csv, schema: { k: string, action: string }, key: k }
        operators:
          c: { plugin: st, operator: counter, stores: [counts], config: { \(scan) } }
        sinks:
          out: { type: file, path: out.csv, header: false }
          dump: { type: file, path: dump.csv, header: false }
        edges: [s -> c, c.out -> out, c.dump -> dump]
        """
    }

    static let input = "k,action\nb,inc\na,inc\nc,inc\na,inc\nb2,inc\nab,inc\nb,del\nabc,inc\n"

    @Test(arguments: ["memory", "rocksdb"])
    func crudAndScansInByteOrder(backend: String) throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input)
        _ = try t.run(Self.manifest(backend), extraPluginPaths: [try Self.storesFolder()])
        #expect(t.read("out.csv") == "b,1\na,1\nc,1\na,2\nb2,1\nab,1\nabc,1\n")
        #expect(t.read("dump.csv") == "a,2\nab,1\nabc,1\n", "prefix scan, in byte order")
        _ = try t.run(Self.manifest(backend, scan: "from: ab, to: b3", stateDirectory: "state2"), extraPluginPaths: [try Self.storesFolder()])
        #expect(t.read("dump.csv") == "ab,1\nabc,1\nb2,1\n", "range [ab, b3): b was deleted")
    }

    /// The fixture opens its store in create, as authors expect to (crudAndScansInByteOrder reads and
    /// writes it from the first batch on). Reading it in create is refused with a message saying when it
    /// can be; opening a store the manifest does not attach fails create naming the attached ones.
    @Test func storesOpenInCreateAndAreReadableFromTheFirstBatch() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input)
        #expect {
            try t.run(Self.manifest("memory", scan: "prefix: a, read_in_create: true"), extraPluginPaths: [try Self.storesFolder()])
        } throws: {
            "\($0)".contains(
                "c: create returned RV_INVALID: store_get: store 'counts' is open but not readable yet: a store opened in create can be read and written from the first process, timer, watermark or flush callback on"
            )
        }
        #expect {
            try t.run(Self.manifest("rocksdb", scan: "prefix: a, store: nope"), extraPluginPaths: [try Self.storesFolder()])
        } throws: { "\($0)".contains("c: create returned RV_NOT_FOUND: store_open: no store 'nope' is attached to this operator (attached: counts)") }
    }

    @Test func theMemoryBudgetIsAClearError() throws {
        let t = TopologyRunner()
        t.write("in.csv", "k,action\n" + (0..<100).map { "key\($0),inc\n" }.joined())
        let manifest = Self.manifest("memory").replacingOccurrences(of: "{ type: memory, changelog: false }", with: "{ type: memory, budget: 1KB }")
        #expect {
            try t.run(manifest, extraPluginPaths: [try Self.storesFolder()])
        } throws: {
            "\($0)".contains("store 'counts': memory budget of 1024 bytes exceeded") && "\($0)".contains("raise its `budget` or use `type: rocksdb`")
        }
    }

    /// Runs the counter in a new `rivulet` process over `input`; returns its exit status and stderr.
    static func runProcess(_ folder: String, _ manifest: String, input: String) throws -> (Int32, String) {
        Fixtures.write(manifest, to: folder + "/m.yaml")
        Fixtures.write(input, to: folder + "/in.csv")
        let r = try ExamplesTests.rivulet(["run", "--quiet", folder + "/m.yaml", "--plugin-path", try storesFolder()])
        return (r.status, r.stderr)
    }

    @Test(arguments: ["memory", "rocksdb"])
    func aChangelogRebuildsTheStoreInTheNextProcess(backend: String) throws {
        let folder = Fixtures.temporaryDirectory("rivulet-changelog")
        let manifest = Self.manifest(backend, changelog: true)
        var (status, stderr) = try Self.runProcess(folder, manifest, input: "k,action\na,inc\nb,inc\na,inc\n")
        #expect(status == 0, "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/state/changelog/counts.log"))
        if backend == "rocksdb" {
            // Lose the database: only the changelog is left to rebuild it from.
            try FileManager.default.removeItem(atPath: folder + "/state/rocksdb")
        }
        (status, stderr) = try Self.runProcess(folder, manifest, input: "k,action\na,inc\nb,del\nb,inc\n")
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("restored store 'counts': 3 changes"))
        #expect(Fixtures.read(folder + "/out.csv") == "a,3\nb,1\n", "counts continue from the first process")
    }

    /// `validate` and `describe` plan the manifest but never run it: no RocksDB database, changelog or
    /// state folder is created, no output or dead-letter file, and an existing changelog is not replayed.
    @Test func validateAndDescribeWriteNothing() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-validate")
        let manifest = Self.manifest("rocksdb", changelog: true) + "\ndead_letters: { type: file, path: dead.jsonl }\n"
        Fixtures.write(manifest, to: folder + "/m.yaml")
        Fixtures.write(Self.input, to: folder + "/in.csv")
        let before = try FileManager.default.subpathsOfDirectory(atPath: folder).sorted()
        for command in [["validate"], ["describe"], ["describe", "--format", "dot"]] {
            let r = try RivuletProcess.run(command + [folder + "/m.yaml", "--plugin-path", try Self.storesFolder()])
            #expect(r.status == 0 && !r.signaled, "\(command): \(r.ending): \(r.stderr)")
            #expect(try FileManager.default.subpathsOfDirectory(atPath: folder).sorted() == before, "\(command) wrote into the folder")
        }
        // A run makes the state; validating after it leaves the changelog and the database as they are.
        #expect(try RivuletProcess.run(["run", "--quiet", folder + "/m.yaml", "--plugin-path", try Self.storesFolder()]).status == 0)
        let changelog = folder + "/state/changelog/counts.log"
        let logged = try #require(FileManager.default.contents(atPath: changelog))
        let afterRun = try FileManager.default.subpathsOfDirectory(atPath: folder).sorted()
        let r = try RivuletProcess.run(["validate", folder + "/m.yaml", "--plugin-path", try Self.storesFolder()])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("restor"), "validate replays no changelog: \(r.stderr)")
        #expect(FileManager.default.contents(atPath: changelog) == logged)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: folder).sorted() == afterRun)
    }

    @Test func rocksDBFilesAreOnDiskAndReopenedByASecondProcess() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-rocksdb")
        let manifest = Self.manifest("rocksdb")
        var (status, stderr) = try Self.runProcess(folder, manifest, input: "k,action\nx,inc\nx,inc\ny,inc\n")
        #expect(status == 0, "\(stderr)")
        let db = folder + "/state/rocksdb/s"
        #expect(FileManager.default.fileExists(atPath: db + "/CURRENT"), "a RocksDB database in \(db)")
        (status, stderr) = try Self.runProcess(folder, manifest, input: "k,action\nx,inc\ny,inc\n")
        #expect(status == 0, "\(stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == "x,3\ny,2\n")
        #expect(!stderr.contains("restored"), "no changelog: the database itself kept the counts")
    }
}

@Suite struct StoreUnitTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func put(_ store: KeyValueStore, _ k: String, _ v: String) throws {
        try bytes(k).withUnsafeBytes { key in try bytes(v).withUnsafeBytes { value in try store.put(key, value) } }
    }

    func get(_ store: KeyValueStore, _ k: String) throws -> String? {
        try bytes(k).withUnsafeBytes { key in try store.get(key).map { String(decoding: $0, as: UTF8.self) } }
    }

    func all(_ iterator: StoreIterator) -> [String] {
        var out: [String] = []
        while let (k, v) = iterator.next() { out.append(String(decoding: k, as: UTF8.self) + "=" + String(decoding: v, as: UTF8.self)) }
        iterator.close()
        return out
    }

    @Test func rocksDBSeesItsOwnUncommittedWritesAndScansThem() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-rocks-unit")
        let db = try RocksDBInstance(path: folder + "/db")
        let store = try RocksDBStore(name: "s", instance: db)
        #expect(store.isEmpty)
        try put(store, "b", "2")
        try put(store, "a", "1")
        #expect(try get(store, "a") == "1", "read before commit")
        #expect(all(try store.scan(from: [], to: nil)) == ["a=1", "b=2"])
        try store.commit()
        try bytes("a").withUnsafeBytes { try store.delete($0) }
        try put(store, "c", "3")
        #expect(all(try store.scan(from: bytes("a"), to: bytes("c"))) == ["b=2"])
        try store.commit()
        db.close()
        let reopened = try RocksDBInstance(path: folder + "/db")
        let again = try RocksDBStore(name: "s", instance: reopened)
        #expect(all(try again.scan(prefix: [])) == ["b=2", "c=3"])
        reopened.close()
    }

    @Test func aTornChangelogTailIsDroppedNotMisread() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-changelog-unit")
        let path = folder + "/c.log"
        do {
            let logged = try LoggedStore(MemoryStore(name: "m", budget: 1 << 20), changelog: path)
            try put(logged, "k1", "v1")
            try put(logged, "k2", "v2")
            try logged.commit()
            logged.close()
        }
        // A crash in the middle of writing a third entry.
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data([1, 2, 0, 0, 0, 9, 0, 0, 0, UInt8(ascii: "k")]))
        handle.closeFile()
        var messages: [String] = []
        let restored = try LoggedStore(MemoryStore(name: "m", budget: 1 << 20), changelog: path, progress: { messages.append($0) })
        #expect(restored.restoredEntries == 2)
        #expect(messages.last == "restored store 'm': 2 changes (a torn last entry was dropped)")
        try put(restored, "k3", "v3")
        try restored.commit()
        restored.close()
        let third = try LoggedStore(MemoryStore(name: "m", budget: 1 << 20), changelog: path)
        #expect(third.restoredEntries == 3, "appends after the cut tail read back")
        #expect(try get(third, "k3") == "v3")
    }
}

@Suite struct MemoryStoreTests {
    @Test func keysDeletedAndPutAgainAreScannedOnce() throws {
        let store = MemoryStore(name: "m", budget: 1 << 20)
        func put(_ k: String, _ v: String) throws {
            try Array(k.utf8).withUnsafeBytes { key in try Array(v.utf8).withUnsafeBytes { try store.put(key, $0) } }
        }
        func delete(_ k: String) throws { try Array(k.utf8).withUnsafeBytes { try store.delete($0) } }
        try put("b", "1")
        try put("a", "1")
        try delete("b")
        try put("b", "2")
        try delete("a")
        var seen: [String] = []
        let it = try store.scan(from: [], to: nil)
        while let (k, v) = it.next() { seen.append(String(decoding: k, as: UTF8.self) + "=" + String(decoding: v, as: UTF8.self)) }
        #expect(seen == ["b=2"])
        #expect(store.count == 1 && store.bytes == 2 + 64)
    }
}

@Suite struct ParallelStoreTests {
    /// Three instances of a counting operator, each with its own store: keyed records meet the instance
    /// holding their key's count; records without a key all count in one place.
    @Test func eachKeyCountsOnOneInstance() throws {
        let t = TopologyRunner()
        var input = "k,action\n"
        for i in 0..<300 { input += "key\(i % 7),inc\n" }
        t.write("in.csv", input)
        _ = try t.run(
            """
            plugins: { st: { library: stores } }
            stores: { counts: { type: memory } }
            sources:
              s: { type: file, path: in.csv, schema: { k: string, action: string }, key: k, batch_size: 16 }
            operators:
              c: { plugin: st, operator: counter, stores: [counts], parallelism: 3, config: { prefix: key } }
            sinks:
              dump: { type: file, path: dump.csv, header: false }
              out: { type: null }
            edges: [s -> c, c.out -> out, c.dump -> dump]
            """, extraPluginPaths: [try StoreTests.storesFolder()])
        // Each key appears in exactly one instance's dump, with its full count.
        let rows = t.read("dump.csv").split(separator: "\n").map { $0.split(separator: ",") }
        #expect(rows.count == 7)
        for row in rows {
            let k = Int(row[0].dropFirst(3))!
            #expect(Int(row[1])! == (0..<300).filter { $0 % 7 == k }.count)
        }
    }
}
