// KafkaExampleTests: examples/trades-per-minute-kafka/run.sh, end to end, with the built binary.
import Foundation
import RivuletTestSupport
import Testing

/// The script a user runs: a mock cluster, the trades produced, two `rivulet run` processes of one
/// application, the output topic read back and compared with the expected windows. It exits 0 only
/// when every window matches, nothing was late and both processes exited 0.
@Suite(.serialized) struct KafkaExampleTests {
    @Test func tradesPerMinuteRunShPasses() throws {
        let work = Fixtures.temporaryDirectory("rivulet-trades-per-minute-kafka")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", Fixtures.repositoryRoot + "/examples/trades-per-minute-kafka/run.sh"]
        process.environment = ProcessInfo.processInfo.environment.merging(["RIVULET": RivuletProcess.binary, "WORK": work, "DEADLINE": "90"]) { $1 }
        let log = work + "/run.sh.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        // The script bounds each of its steps too; this bounds the whole.
        let timedOut = ended.wait(timeout: .now() + 300) == .timedOut
        if timedOut {
            process.terminate()  // SIGTERM: its EXIT trap stops the mock cluster and the runs
            ended.wait()
        }
        #expect(!timedOut, "run.sh still running after 300 s: \(Fixtures.read(log))")
        #expect(process.terminationStatus == 0, "run.sh: \(Fixtures.read(log))")
        #expect(Fixtures.read(log).contains("OK: 180 windows match"), "\(Fixtures.read(log))")
    }
}
