// ExactlyOnceTests: SIGKILL a real `rivulet run` at seeded random moments; the committed output equals a run with no failure.
import Foundation
import RivuletTestSupport
import Testing

@Suite(.serialized) struct ExactlyOnceTests {
    /// `lines` CSV records `ts,key,value` (event time in ms, 10 keys, some out of order).
    static func events(_ lines: Int, seed: UInt64 = 7) -> String {
        var random = SeededRandom(seed: seed)
        var text = ""
        text.reserveCapacity(lines * 24)
        for i in 0..<lines {
            let jitter = Int(random.next() % 1500)
            text += "\(1_700_000_000_000 + i * 10 - jitter),k\(random.next() % 10),\(random.next() % 1000)\n"
        }
        return text
    }

    static let passThrough = """
        sources:
          events:
            type: file
            path: events.csv
            format: csv
            header: false
            batch_size: 64
            schema: { ts: i64, key: string, value: i64 }
            time: { type: event, field: ts, format: epoch_ms, max_out_of_order: 2s }
        sinks:
          out: { type: file, path: out.csv, header: true }
        edges: [events -> out]
        dead_letters: { type: file, path: dead.jsonl }
        """

    /// Runs `manifest` in a fresh folder with the input, once without failure and once under `kills` SIGKILLs.
    static func crashAndCompare(_ manifest: String, input: String, kills: Int, seed: UInt64, outputs: [String]) throws {
        let clean = Fixtures.temporaryDirectory("rivulet-eo-clean")
        let crashed = Fixtures.temporaryDirectory("rivulet-eo-crash")
        for folder in [clean, crashed] {
            Fixtures.write(manifest, to: folder + "/m.yaml")
            Fixtures.write(input, to: folder + "/events.csv")
        }
        let args = { (folder: String) in
            ["run", folder + "/m.yaml", "--quiet", "--set", "checkpoint.interval=20ms", "--set", "checkpoint.dir=\(folder)/chk"]
        }
        let reference = try RivuletProcess.run(args(clean), deadline: 300)
        #expect(reference.status == 0 && !reference.signaled, "\(reference.ending): \(reference.stderr)")
        // Kill moments spread so that the kills cover the whole run: each attempt lives up to about 1.2 times
        // its share of the failure-free run time, plus start-up.
        let maxDelay = 0.05 + reference.seconds * 1.2 / Double(kills)
        let attempts = try CrashLoop.run(kills: kills, seed: seed, maxDelay: maxDelay) { _ in args(crashed) }
        let last = attempts.last!.process
        // The kills must land mid-run: most attempts resume a checkpoint that is not the final one.
        let resumedMidRun = attempts.filter { $0.process.stderr.contains("resuming from checkpoint") && !$0.process.stderr.contains("final one") }
        #expect(resumedMidRun.count >= kills / 2, "only \(resumedMidRun.count) attempts resumed mid-run: \(attempts.map(\.process.ending))")
        #expect(attempts.filter { $0.process.timedOut }.count == kills, "\(attempts.map(\.process.ending))")
        #expect(last.status == 0 && !last.signaled && !last.timedOut, "attempt \(attempts.count): \(last.ending): \(last.stderr)")
        for output in outputs {
            let expected = Fixtures.read(clean + "/" + output)
            let got = Fixtures.read(crashed + "/" + output)
            #expect(!expected.isEmpty)
            #expect(got == expected, "\(output) differs after \(attempts.count - 1) kills: \(got.count) bytes vs \(expected.count)")
        }
    }

    @Test func aPassThroughSurvivesTwentyKills() throws {
        try Self.crashAndCompare(Self.passThrough, input: Self.events(300_000), kills: 20, seed: 1, outputs: ["out.csv"])
    }

    /// A folder with the pass-through manifest and input, and its failure-free output.
    static func prepared(_ label: String, lines: Int = 300_000, manifest: String = passThrough) throws -> (folder: String, expected: String) {
        let clean = Fixtures.temporaryDirectory("rivulet-eo-ref")
        let folder = Fixtures.temporaryDirectory(label)
        let input = events(lines)
        for f in [clean, folder] {
            Fixtures.write(manifest, to: f + "/m.yaml")
            Fixtures.write(input, to: f + "/events.csv")
        }
        let reference = try RivuletProcess.run(["run", clean + "/m.yaml", "--quiet"], deadline: 300)
        #expect(reference.status == 0, "\(reference.stderr)")
        return (folder, Fixtures.read(clean + "/out.csv"))
    }

    static func checkpointArguments(_ folder: String, interval: String = "20ms") -> [String] {
        ["--quiet", "--set", "checkpoint.interval=\(interval)", "--set", "checkpoint.dir=\(folder)/chk"]
    }

    /// Runs `rivulet run` in `folder` with `arguments` until its first checkpoint is complete, then sends
    /// SIGTERM: the run must exit 0 naming its savepoint. Returns the savepoint's id and folder.
    static func stopWithSavepoint(_ folder: String, _ arguments: [String]) throws -> (id: String, path: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RivuletProcess.binary)
        process.arguments = ["run", folder + "/m.yaml"] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        #expect(waitUntil(timeout: 120) { FileManager.default.fileExists(atPath: folder + "/chk/chk-1/_metadata") || !process.isRunning })
        kill(process.processIdentifier, SIGTERM)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        let savepoint = try #require(stderr.firstMatch(of: #/with savepoint (\d+): (\S+) /#), "\(stderr)")
        return (String(savepoint.1), String(savepoint.2))
    }

    /// The ids of the complete checkpoints (`chk-N`) in `folder/chk`, oldest first.
    static func completeIDs(_ folder: String) throws -> [Int] {
        try FileManager.default.contentsOfDirectory(atPath: folder + "/chk").compactMap { name in
            name.hasPrefix("chk-") ? Int(name.dropFirst(4)) : nil
        }.sorted()
    }

    @Test func aStopTakesASavepointAndTheRunResumesFromIt() throws {
        let (folder, expected) = try Self.prepared("rivulet-eo-savepoint", lines: 1_000_000)
        let (id, path) = try Self.stopWithSavepoint(folder, Self.checkpointArguments(folder))
        #expect(FileManager.default.fileExists(atPath: path + "/_metadata"))
        let partial = Fixtures.read(folder + "/out.csv")
        #expect(partial.count < expected.count && expected.hasPrefix(partial), "the output so far is a prefix of the whole")
        let resumed = try RivuletProcess.run(
            ["run", folder + "/m.yaml", "--from-checkpoint", path] + Self.checkpointArguments(folder), deadline: 300)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming from checkpoint \(id)"), "\(resumed.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == expected)
    }

    @Test func aDamagedNewestCheckpointIsReportedAndThePreviousOneUsed() throws {
        let (folder, expected) = try Self.prepared("rivulet-eo-corrupt")
        let first = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder, interval: "10ms"), deadline: 300)
        #expect(first.status == 0, "\(first.stderr)")
        let ids = try Self.completeIDs(folder)
        try #require(ids.count >= 2, "retain 3 keeps the newest complete checkpoints: \(ids)")
        let newest = ids.last!, previous = ids[ids.count - 2]
        // Damage the newest: one byte of its source position changes (same size, wrong checksum).
        let position = folder + "/chk/chk-\(newest)/sources/events.position"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: position)))
        bytes[bytes.count - 1] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: position))
        let again = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder, interval: "10ms"), deadline: 300)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("checkpoint \(newest) is not usable"), "\(again.stderr)")
        #expect(again.stderr.contains("does not match its checksum"), "\(again.stderr)")
        #expect(again.stderr.contains("resuming from checkpoint \(previous)"), "\(again.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == expected)
    }

    @Test func aChangedManifestIsResumedOnlyWhenAskedAndStateOfARemovedNodeOnlyWhenAllowed() throws {
        let (folder, _) = try Self.prepared("rivulet-eo-changed", lines: 1_000)
        let first = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder), deadline: 300)
        #expect(first.status == 0, "\(first.stderr)")
        let chk = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/chk").filter { $0.hasPrefix("chk-") }.max())
        Fixtures.write(
            Self.passThrough.replacingOccurrences(of: "out:", with: "renamed:").replacingOccurrences(of: "-> out]", with: "-> renamed]"),
            to: folder + "/m.yaml")
        let notOnItsOwn = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder), deadline: 300)
        #expect(notOnItsOwn.status != 0)
        #expect(notOnItsOwn.stderr.contains("m.yaml before it was changed"), "\(notOnItsOwn.stderr)")
        #expect(notOnItsOwn.stderr.contains("--from-checkpoint"), "\(notOnItsOwn.stderr)")
        let from = ["--from-checkpoint", "\(folder)/chk/\(chk)"]
        let refused = try RivuletProcess.run(["run", folder + "/m.yaml"] + from + Self.checkpointArguments(folder), deadline: 300)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("holds state of 'out', which the manifest no longer has"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-non-restored-state"))
        let allowed = try RivuletProcess.run(
            ["run", folder + "/m.yaml", "--allow-non-restored-state"] + from + Self.checkpointArguments(folder), deadline: 300)
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    /// Resuming an older checkpoint abandons the newer ones: they are set aside, so a crash of the resumed
    /// run and a plain restart continue the resumed line, to the failure-free output.
    @Test func anOlderCheckpointResumedSetsTheNewerOnesAside() throws {
        let (folder, expected) = try Self.prepared("rivulet-eo-rollback")
        let first = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder, interval: "10ms"), deadline: 300)
        #expect(first.status == 0, "\(first.stderr)")
        let ids = try Self.completeIDs(folder)
        try #require(ids.count >= 2)
        let older = ids[0]
        // Resume the oldest kept, and kill it at once; then restart plainly.
        _ = try RivuletProcess.run(
            ["run", folder + "/m.yaml", "--from-checkpoint", "\(folder)/chk/chk-\(older)"] + Self.checkpointArguments(folder, interval: "10ms"),
            deadline: 0.3)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/chk")
        for newer in ids.dropFirst() { #expect(names.contains("chk-\(newer).abandoned"), "\(names)") }
        let restart = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder, interval: "10ms"), deadline: 300)
        #expect(restart.status == 0, "\(restart.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == expected)
    }

    @Test func noUsableCheckpointIsAnErrorNotAFreshStart() throws {
        let (folder, _) = try Self.prepared("rivulet-eo-none", lines: 1_000)
        let first = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder), deadline: 300)
        #expect(first.status == 0, "\(first.stderr)")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/chk") where name.hasPrefix("chk-") {
            try FileManager.default.removeItem(atPath: "\(folder)/chk/\(name)/_metadata")
        }
        let before = Fixtures.read(folder + "/out.csv")
        let again = try RivuletProcess.run(["run", folder + "/m.yaml"] + Self.checkpointArguments(folder), deadline: 300)
        #expect(again.status != 0)
        #expect(again.stderr.contains("is usable (see above)"), "\(again.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == before, "the output was not truncated")
    }

    @Test func savepointsOutliveRetain() throws {
        let (folder, expected) = try Self.prepared("rivulet-eo-retain", lines: 1_000_000)
        let (_, path) = try Self.stopWithSavepoint(folder, Self.checkpointArguments(folder) + ["--set", "checkpoint.retain=1"])
        let resumed = try RivuletProcess.run(
            ["run", folder + "/m.yaml", "--from-checkpoint", path] + Self.checkpointArguments(folder) + [
                "--set", "checkpoint.retain=1",
            ],
            deadline: 300)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == expected)
        #expect(FileManager.default.fileExists(atPath: path + "/_metadata"), "retain 1 kept the savepoint")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/chk").filter { $0.hasPrefix("chk-") && !$0.contains(".") }
        #expect(names.count == 2, "the savepoint and the newest checkpoint: \(names)")
        #expect(!names.contains { $0.hasSuffix(".inprogress") })
    }

    /// A window holding one key per record: its state outgrows a 2 MB disk after a few checkpoints.
    static let manyKeys = """
        sources:
          events:
            type: file
            path: events.csv
            format: csv
            header: false
            batch_size: 256
            schema: { ts: i64, key: string, value: i64 }
            time: { type: event, field: ts, format: epoch_ms, max_out_of_order: 2s }
        operators:
          w: { window: tumbling, size: 1h, key_by: key, aggregates: { n: count(), total: sum(value) } }
        sinks:
          out: { type: file, path: out.csv }
        edges: [events -> w, w.out -> out]
        """

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskFailsTheCheckpointAndKeepsTheEarlierOnes() throws {
        let lines = (0..<80_000).map { "\(1_700_000_000_000 + $0),key-\($0),\($0 % 97)" }.joined(separator: "\n") + "\n"
        let clean = Fixtures.temporaryDirectory("rivulet-eo-full-ref")
        let folder = Fixtures.temporaryDirectory("rivulet-eo-full")
        for f in [clean, folder] {
            Fixtures.write(Self.manyKeys, to: f + "/m.yaml")
            Fixtures.write(lines, to: f + "/events.csv")
        }
        let reference = try RivuletProcess.run(["run", clean + "/m.yaml", "--quiet"], deadline: 300)
        #expect(reference.status == 0, "\(reference.stderr)")
        let disk = folder + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        try #require(try DiskFullTests.sh("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", disk]) == 0)
        defer { _ = try? DiskFullTests.sh("/bin/umount", [disk]) }
        let args = ["run", folder + "/m.yaml", "--quiet", "--set", "checkpoint.interval=10ms", "--set", "checkpoint.dir=\(disk)/chk"]
        let full = try RivuletProcess.run(args, deadline: 300)
        #expect(full.stderr.contains("No space left on device"), "\(full.stderr)")
        #expect(full.stderr.contains("the run goes on"), "a checkpoint fails, not the run: \(full.stderr)")
        #expect(!full.signaled, "no crash: \(full.ending)")
        // At the end the output's staged part (or the final checkpoint) cannot be written either: the run
        // fails, naming it, and commits nothing.
        #expect(full.status == 1, "\(full.stderr)")
        #expect(full.stderr.contains("run failed:") && full.stderr.contains("disk/chk/"), "\(full.stderr)")
        #expect(Fixtures.read(folder + "/out.csv").isEmpty, "no window fired before the end: nothing was committed")
        // Earlier checkpoints are intact; with room again, the run resumes from the newest and completes.
        try #require(try DiskFullTests.sh("/bin/mount", ["-o", "remount,size=256m", disk]) == 0)
        let again = try RivuletProcess.run(args, deadline: 300)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("resuming from checkpoint"), "\(again.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == Fixtures.read(clean + "/out.csv"))
        #expect(Fixtures.read(folder + "/out.csv").split(separator: "\n").count == 80_001)
    }

    @Test func aGeneratorResumesItsSequence() throws {
        let manifest = """
            sources:
              gen: { type: generator, count: 300000, seed: 9, keys: 50, batch_size: 100 }
            operators:
              w: { window: tumbling, size: 5s, key_by: key, aggregates: { n: count(), total: sum(value) } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [gen -> w, w.out -> out]
            """
        try Self.crashAndCompare(manifest, input: "", kills: 8, seed: 3, outputs: ["out.csv"])
    }
}
