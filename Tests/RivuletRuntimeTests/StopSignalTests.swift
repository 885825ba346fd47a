// StopSignalTests: SIGTERM/SIGINT stop a real `rivulet run` gracefully — everything read is processed and
// written, the RocksDB store is committed, the summary printed, exit 128+signal; a second signal aborts.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct StopSignalTests {
    /// stdin (never ending while the test holds the pipe open) → a counter with a RocksDB store → out.csv.
    static let manifest = """
        plugins: { st: { library: stores } }
        stores:
          counts: { type: rocksdb }
        sources:
          s: { type: stdin, format: csv, header: false, schema: { k: string, action: string }, key: k, batch_size: 2 }
        operators:
          c: { plugin: st, operator: counter, stores: [counts], config: { prefix: a } }
        sinks:
          out: { type: file, path: out.csv, header: false }
          dump: { type: file, path: dump.csv, header: false }
        edges: [s -> c, c.out -> out, c.dump -> dump]
        dead_letters: { type: file, path: dead.jsonl }
        """

    /// Starts `rivulet run` in `folder`, writes `input` to its stdin (kept open), waits until the bad line
    /// at the end of the input was dead-lettered (so every line before it was read), sends `signals`, and
    /// returns the exit status and stderr.
    static func runUntilSignalled(_ folder: String, input: String, signals: [Int32]) throws -> (Int32, String) {
        Fixtures.write(manifest, to: folder + "/m.yaml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.productsDirectory + "/rivulet")
        process.arguments = ["run", folder + "/m.yaml", "--plugin-path", try StoreTests.storesFolder()]
        let inPipe = Pipe(), err = Pipe()
        process.standardInput = inPipe
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        inPipe.fileHandleForWriting.write(Data((input + "only-one-cell\n").utf8))
        let deadline = Date().addingTimeInterval(60)
        while !Fixtures.read(folder + "/dead.jsonl").contains("only-one-cell") {
            #expect(Date() < deadline, "the bad last line was never dead-lettered")
            if Date() >= deadline || !process.isRunning { break }
            usleep(10_000)
        }
        for signo in signals { kill(process.processIdentifier, signo) }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try? inPipe.fileHandleForWriting.close()
        return (process.terminationStatus, stderr)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsGracefullyAndWritesEverythingRead(signo: Int32) throws {
        let folder = Fixtures.temporaryDirectory("rivulet-signal")
        let (status, stderr) = try Self.runUntilSignalled(folder, input: "a,inc\nb,inc\na,inc\nab,inc\na,inc\n", signals: [signo])
        #expect(status == 128 + signo, "\(stderr)")
        #expect(stderr.contains("records in: 6  out: 7  dead-lettered: 1"), "\(stderr)")
        #expect(stderr.contains("stopped by \(signo == SIGTERM ? "SIGTERM" : "SIGINT"): every record read was processed and written"))
        #expect(Fixtures.read(folder + "/out.csv") == "a,1\nb,1\na,2\nab,1\na,3\n")
        #expect(Fixtures.read(folder + "/dump.csv") == "a,3\nab,1\n", "the store's end-of-input scan ran")
        // The store was committed: a second run's counts continue from it.
        let again = try ExamplesTests.rivulet(
            ["run", "--quiet", folder + "/m.yaml", "--plugin-path", try StoreTests.storesFolder()],
            input: "a,inc\n")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Fixtures.read(folder + "/out.csv") == "a,4\n")
    }

    @Test func twoSignalsInARowEndTheRunWithoutACrash() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-signal")
        let (status, stderr) = try Self.runUntilSignalled(folder, input: "a,inc\n", signals: [SIGTERM, SIGTERM])
        // Either the second signal arrived while the run was still draining (aborted), or after it had
        // finished draining; both end with 143 and never with a crash.
        #expect(status == 128 + SIGTERM, "\(stderr)")
        #expect(!stderr.contains("Program crashed"))
    }

    /// Stopped while it reads a pipe fast: the lines it took from the pipe are all written (a partial line
    /// is dead-lettered with the bytes read of it); with what is left in the pipe that is the whole input.
    @Test func aStopLosesNothingAlreadyTakenFromAPipe() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-signal")
        Fixtures.write(
            """
            sources:
              s: { type: stdin, format: csv, header: false, schema: { n: i64, k: string } }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [s -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """, to: folder + "/m.yaml")
        let input = (0..<60_000).map { "\($0),k\($0 % 7)\n" }.joined()
        // A raw pipe (Foundation's Pipe closes the child's end in the parent): the test keeps both ends, to
        // see the child take bytes and to read what it left.
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd); close(writeEnd) }
        _ = fcntl(writeEnd, 1031 /* F_SETPIPE_SZ */, 1 << 20)
        let bytes = Array(input.utf8)
        let wrote = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }  // all of it fits
        try #require(wrote == bytes.count)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.productsDirectory + "/rivulet")
        process.arguments = ["run", folder + "/m.yaml"]
        process.standardInput = FileHandle(fileDescriptor: readEnd, closeOnDealloc: false)
        let err = Pipe()
        process.standardError = err
        try process.run()
        // As soon as it has taken bytes from the pipe, stop it.
        let deadline = Date().addingTimeInterval(60)
        var waiting: Int32 = 0
        repeat {
            try #require(ioctl(readEnd, UInt(FIONREAD), &waiting) == 0)
            if Int(waiting) < bytes.count { break }
            usleep(200)
        } while Date() < deadline
        kill(process.processIdentifier, SIGTERM)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143, "\(stderr)")
        _ = ioctl(readEnd, UInt(FIONREAD), &waiting)
        var rest = [UInt8](repeating: 0, count: Int(waiting))
        if waiting > 0 { _ = rest.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, Int(waiting)) } }
        let written = Fixtures.read(folder + "/out.csv")
        var partial = ""
        let dead = Fixtures.read(folder + "/dead.jsonl")
        if !dead.isEmpty {
            let object = try JSONSerialization.jsonObject(with: Data(dead.utf8)) as! [String: Any]
            #expect((object["reason"] as! String).contains("the run was stopped inside this line"))
            partial = object["raw"] as! String
        }
        #expect(
            written + partial + String(decoding: rest, as: UTF8.self) == input,
            "out.csv (\(written.count) bytes) + the partial line + the unread rest is the input")
    }

    /// A sink blocked writing to a pipe nobody reads cannot see a stop: the second signal still ends the
    /// process (130), a second later at most.
    @Test func aSecondSignalEndsARunWhoseSinkIsBlocked() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-signal")
        Fixtures.write(
            """
            sources:
              g: { type: generator, count: 1000000000 }
            sinks:
              out: { type: stdout }
            edges: [g -> out]
            """, to: folder + "/m.yaml")
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.productsDirectory + "/rivulet")
        process.arguments = ["run", "--quiet", folder + "/m.yaml"]
        process.standardOutput = FileHandle(fileDescriptor: ends[1], closeOnDealloc: false)  // never read
        FileManager.default.createFile(atPath: folder + "/stderr", contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/stderr"))
        try process.run()
        func waitFor(_ what: String, _ condition: () -> Bool) {
            let deadline = Date().addingTimeInterval(60)
            while !condition() && Date() < deadline { usleep(1_000) }
            #expect(condition(), "\(what)")
        }
        // The pipe is (nearly) full and no longer fills: the sink is blocked in write().
        var waiting: Int32 = 0, before: Int32 = -1
        waitFor("the output pipe fills") {
            before = waiting
            usleep(50_000)
            return ioctl(ends[0], UInt(FIONREAD), &waiting) == 0 && waiting >= 32_768 && waiting == before
        }
        kill(process.processIdentifier, SIGINT)
        waitFor("the first signal is taken") { Fixtures.read(folder + "/stderr").contains("SIGINT: stopping") }
        let second = Date()
        kill(process.processIdentifier, SIGINT)
        waitFor("the process ends") { !process.isRunning }
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(Date().timeIntervalSince(second) < 30)
        #expect(Fixtures.read(folder + "/stderr").contains("SIGINT again: a task is blocked (an output nobody reads?); exiting now"))
    }
}
