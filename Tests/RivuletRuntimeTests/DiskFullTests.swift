// DiskFullTests: a RocksDB store on a really full disk (a 2 MB tmpfs) fails the run cleanly, naming the
// store and the error, and everything committed before stays readable by the next run.
import Foundation
import RivuletTestSupport
import Testing

@Suite(.serialized) struct DiskFullTests {
    /// Runs `command` with `arguments`; its exit status.
    @discardableResult
    static func sh(_ command: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command)
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskFailsTheRunAndKeepsWhatWasCommitted() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-disk-full")
        let disk = folder + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        try #require(try Self.sh("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", disk]) == 0)
        defer { _ = try? Self.sh("/bin/umount", [disk]) }
        let manifest = StoreTests.manifest("rocksdb", scan: "prefix: zz", stateDirectory: disk + "/state")
        // 20,000 keys of 300 bytes: several MB of state for a 2 MB disk.
        let padding = String(repeating: "x", count: 300)
        let input = "k,action\n" + (0..<20_000).map { "a\($0)\(padding),inc\n" }.joined()
        let (status, stderr) = try StoreTests.runProcess(folder, manifest, input: input)
        #expect(status == 1, "the run fails, it does not crash: \(stderr)")
        #expect(stderr.contains("run failed: store 'counts': RocksDB at \(disk)/state/rocksdb/s: write failed:"), "\(stderr)")
        #expect(stderr.contains("No space left on device"))
        #expect(!stderr.contains("crashed") && !stderr.contains("Assertion"))
        // With room again, the next run opens the same database: the first key's count was committed.
        try #require(try Self.sh("/bin/mount", ["-o", "remount,size=64m", disk]) == 0)
        let (again, stderr2) = try StoreTests.runProcess(folder, manifest, input: "k,action\na0\(padding),inc\n")
        #expect(again == 0, "\(stderr2)")
        #expect(Fixtures.read(folder + "/out.csv") == "a0\(padding),2\n")
    }
}
