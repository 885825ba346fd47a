// ProgressLineTests: the progress line of `rivulet run` on a terminal (a pseudo-terminal through script(1)): % and ETA, cleared before the summary, absent when records go to the same terminal.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct ProgressLineTests {
    /// Runs `rivulet arguments` on a pseudo-terminal (stdout and stderr both); returns what it showed.
    static func onTerminal(_ arguments: [String], in folder: String) throws -> String {
        let command = ([RivuletProcess.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func manifest(sink: String) -> String {
        """
        sources:
          s: { type: file, path: in.csv, schema: { ts: i64, k: string, v: i64 } }
        sinks:
          out: \(sink)
        edges: [s -> out]
        """
    }

    @Test func showsPercentAndETAForAFileAndIsClearedBeforeTheSummary() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-progress")
        Fixtures.write("ts,k,v\n" + (0..<200_000).map { "\($0),k\($0 % 10),\($0)\n" }.joined(), to: folder + "/in.csv")
        Fixtures.write(Self.manifest(sink: "{ type: file, path: out.csv }"), to: folder + "/m.yaml")
        let shown = try Self.onTerminal(["run", "m.yaml", "--progress-interval", "0.001"], in: folder)
        let updates = shown.split(separator: "\r").filter { $0.contains("records/s  ") && $0.contains("  in: ") }
        #expect(!updates.isEmpty, "\(shown.prefix(500))")
        // Every update shows how much of the file was consumed; the ones before the end, when it will end.
        #expect(updates.allSatisfy { $0.contains("%") }, "\(updates.prefix(3))")
        #expect(updates.contains { $0.contains("ETA ") } || updates.count == 1, "\(updates.prefix(3))")
        // The line is erased (ESC [K) and the summary written in its place.
        #expect(shown.contains("\r\u{1B}[Krecords in: 200000  out: 200000  dead-lettered: 0"), "\(shown.suffix(400))")
    }

    /// Records written to the same terminal would be cut by the line: no progress line then.
    @Test func noProgressLineWhenRecordsGoToTheTerminal() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-progress-stdout")
        Fixtures.write("ts,k,v\n" + (0..<20_000).map { "\($0),k,\($0)\n" }.joined(), to: folder + "/in.csv")
        Fixtures.write(Self.manifest(sink: "{ type: stdout, format: csv }"), to: folder + "/m.yaml")
        let shown = try Self.onTerminal(["run", "m.yaml", "--progress-interval", "0.001"], in: folder)
        #expect(shown.contains("19999,k,19999"))
        #expect(!shown.contains("  in: "), "\(shown.suffix(300))")
        #expect(shown.contains("records in: 20000  out: 20000"))
    }
}
