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
        // Kill moments spread so that the kills cover the whole run: each attempt lives up to about twice
        // its share of the failure-free run time, plus start-up.
        let maxDelay = 0.05 + reference.seconds * 2.5 / Double(kills)
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
}
