// TumblingReferenceTests: 1M generated events through the real runtime, checked against a plain reference.
import Foundation
import RivuletManifest
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct TumblingReferenceTests {
    /// 1M events `ts_ms,key,value` over 1000 keys: mostly in order, 10% up to 1.5 s early (within the
    /// 2 s bound), 0.1% 3–20 s early (some of them late). Deterministic (splitmix64).
    static func generate(count: Int) -> String {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var text = ""
        text.reserveCapacity(count * 24)
        for i in 0..<count {
            var ts = 1_704_067_200_000 + Int64(i / 5)
            let dice = next() % 1000
            if dice < 1 { ts -= 3000 + Int64(next() % 17_000) } else if dice < 100 { ts -= Int64(next() % 1500) }
            text += "\(ts),k\(next() % 1000),\(next() % 1000)\n"
        }
        return text
    }

    /// The rules, written as plainly as possible: per record, the watermark before it is the largest
    /// timestamp so far minus 2000; when it rises, every window with start + 10000 − 1 <= watermark fires
    /// (ordered by start — the same as by end here — then key bytes); a record whose window has fired is late.
    static func reference(_ text: String) -> (output: [String], late: Int) {
        struct Window: Hashable { let key: String; let start: Int64 }
        var open: [Window: (count: Int64, sum: Int64)] = [:]
        var maxSeen = Int64.min, watermark = Int64.min, nextFire = Int64.max
        var output: [String] = [], late = 0
        func fire(upTo w: Int64) {
            let due = open.keys.filter { $0.start + 10_000 - 1 <= w }.sorted {
                $0.start != $1.start ? $0.start < $1.start : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8))
            }
            for window in due {
                let v = open.removeValue(forKey: window)!
                output.append("\(window.start),\(window.key),\(v.count),\(v.sum)")
            }
            nextFire = open.keys.map { $0.start + 10_000 - 1 }.min() ?? .max
        }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ",")
            let ts = Int64(parts[0])!, key = String(parts[1]), value = Int64(parts[2])!
            if maxSeen != .min, maxSeen - 2000 > watermark {
                watermark = maxSeen - 2000
                if nextFire <= watermark { fire(upTo: watermark) }
            }
            let start = ts - ((ts % 10_000) + 10_000) % 10_000
            if start + 10_000 - 1 <= watermark {
                late += 1
            } else {
                open[Window(key: key, start: start), default: (0, 0)].count += 1
                open[Window(key: key, start: start)]!.sum += value
                nextFire = min(nextFire, start + 10_000 - 1)
            }
            maxSeen = max(maxSeen, ts)
        }
        fire(upTo: .max)
        return (output, late)
    }

    @Test func millionEventsMatchTheReference() throws {
        let scratch = Fixtures.temporaryDirectory("rivulet-tumbling-1m")
        let input = Self.generate(count: 1_000_000)
        Fixtures.write(input, to: scratch + "/events.csv")
        let manifest = try Manifest.load(
            path: Fixtures.repositoryRoot + "/examples/tumbling-csv/manifest.yaml",
            overrides: [
                "sources.events.path=\(scratch)/events.csv", "sinks.output.path=\(scratch)/out.csv",
                "sinks.late.path=\(scratch)/late.csv", "dead_letters.path=\(scratch)/dead.jsonl",
            ])
        let summary = try Planner(manifest: manifest, options: RunOptions(pluginSearchPaths: [])).plan().run()
        let expected = Self.reference(input)
        #expect(expected.late > 0, "the input exercises late records")
        #expect(expected.output.count > 15_000, "and many windows")
        let got = Fixtures.read(scratch + "/out.csv").split(separator: "\n").map(String.init)
        #expect(got.count == expected.output.count)
        #expect(got == expected.output)
        #expect(Fixtures.read(scratch + "/late.csv").split(separator: "\n").count == expected.late)
        #expect(summary.recordsIn == 1_000_000)
    }
}
