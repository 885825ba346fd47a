// ExactlyOnceTopologyTests: the acceptance test of exactly-once: a stateful topology SIGKILLed ≥ 20 times ends byte-identical.
import Foundation
import RivuletTestSupport
import Testing

/// Clicks joined with a profile table kept in RocksDB, then a C plugin keeping a running total in its
/// own memory (snapshot/restore); the same clicks deduplicated by a Swift plugin with a store (parallel
/// in the parallel tests), then a tumbling window per user (parallel too); two-phase-commit file sinks. Killed with SIGKILL at seeded random moments and restarted until it
/// completes; every output must equal the failure-free run's. Sinks fed by several parallel instances
/// interleave them in arrival order (docs/ARCHITECTURE.md), so those are compared as sorted lines.
@Suite(.serialized) struct ExactlyOnceTopologyTests {
    /// With several instances, whether a record is late depends on how far the other instances' watermarks
    /// have come when it arrives (a timing matter, in Flink as here): the parallel runs' grace covers the
    /// late records, so their failure-free output is deterministic and can be compared.
    static func manifest(parallelism: Int) -> String {
        """
        plugins:
          c: { library: rv_std_c }
          sw: { library: rv_std_swift }
        stores:
          profiles_table: { type: rocksdb }
          seen: { type: memory }
        sources:
          clicks:
            type: file
            path: clicks.csv
            header: false
            batch_size: 128
            schema: { ts: i64, id: string, user: string, amount: i64 }
            key: id
            time: { type: event, field: ts, format: epoch_ms, max_out_of_order: 2s }
          profiles:
            type: file
            path: profiles.csv
            header: false
            batch_size: 16
            schema: { ts: i64, user: string, tier: string }
            time: { type: event, field: ts, format: epoch_ms, max_out_of_order: 2s }
        operators:
          first:
            plugin: sw
            operator: dedupe
            stores: [seen]
            parallelism: \(parallelism)
            config: { id_field: id, ttl: 600000, store: seen }
          enrich: { join: stream_table, type: left, left_key: user, right_key: user, store: profiles_table }
          total: { plugin: c, operator: running_total, config: { field: amount } }
          per_user:
            window: tumbling
            size: 10s
            grace: \(parallelism > 1 ? "10s" : "1s")
            key_by: user
            parallelism: \(parallelism)
            aggregates: { clicks: count(), spent: sum(amount), p90: "percentile(amount, 90)" }
        sinks:
          enriched: { type: file, path: enriched.csv }
          windows: { type: file, path: windows.csv }
          dups: { type: file, path: dups.csv }
          late_clicks: { type: file, path: late_clicks.csv }
          late_profiles: { type: file, path: late_profiles.csv }
          late_windows: { type: file, path: late_windows.csv }
        edges:
          - clicks -> first
          - first.out -> per_user
          - first.duplicates -> dups
          - clicks -> enrich.left
          - profiles -> enrich.right
          - enrich.out -> total
          - total.out -> enriched
          - per_user.out -> windows
          - per_user.late -> late_windows
          - enrich.late_left -> late_clicks
          - enrich.late_right -> late_profiles
        dead_letters: { type: file, path: dead.jsonl }
        """
    }

    /// Unique event times, slightly out of order (neighbours swapped), some records seconds late, and
    /// redelivered ids (duplicates); profiles change over time.
    static func inputs(clicks: Int, seed: UInt64) -> (clicks: String, profiles: String) {
        var random = SeededRandom(seed: seed)
        let base: Int64 = 1_700_000_000_000
        var rows: [String] = []
        rows.reserveCapacity(clicks)
        var i = 0
        while rows.count < clicks {
            let r = random.next()
            var ts = base + Int64(i) * 10
            if r % 97 == 0 { ts -= 5_000 + 3 }  // late: behind the watermark (odd ms: no collision)
            let id = r % 53 == 0 && i > 10 ? "c\(i - Int(r % 10) - 1)" : "c\(i)"
            rows.append("ts=\(ts),\(id),u\(random.next() % 40),\(random.next() % 500)")
            i += 1
        }
        for k in stride(from: 1, to: rows.count - 1, by: 7) { rows.swapAt(k, k + 1) }
        let clickText = rows.map { String($0.dropFirst(3)) }.joined(separator: "\n") + "\n"
        var profiles = ""
        for j in 0..<(clicks / 20) {
            profiles += "\(base + Int64(j) * 200 + 1),u\(random.next() % 40),tier\(random.next() % 4)\n"
        }
        return (clickText, profiles)
    }

    static let outputs = ["enriched.csv", "windows.csv", "dups.csv", "late_clicks.csv", "late_profiles.csv", "late_windows.csv"]

    func pluginArguments() throws -> [String] {
        let c = (try Fixtures.standardCPlugin() as NSString).deletingLastPathComponent
        return ["--plugin-path", c, "--plugin-path", Fixtures.productsDirectory]
    }

    /// Runs the failure-free reference, then the crash loop; compares every output.
    func crash(kills: Int, seed: UInt64, parallelism: Int, rescaleTo: Int? = nil) throws {
        let plugins = try pluginArguments()
        let input = Self.inputs(clicks: 40_000, seed: seed)
        let clean = Fixtures.temporaryDirectory("rivulet-eot-clean")
        let crashed = Fixtures.temporaryDirectory("rivulet-eot-crash")
        for folder in [clean, crashed] {
            Fixtures.write(Self.manifest(parallelism: parallelism), to: folder + "/m.yaml")
            Fixtures.write(input.clicks, to: folder + "/clicks.csv")
            Fixtures.write(input.profiles, to: folder + "/profiles.csv")
        }
        let reference = try RivuletProcess.run(["run", clean + "/m.yaml", "--quiet"] + plugins, deadline: 600)
        try #require(reference.status == 0 && !reference.signaled, "\(reference.ending): \(reference.stderr)")
        let arguments = { (attempt: Int) -> [String] in
            var args =
                ["run", crashed + "/m.yaml", "--quiet", "--set", "checkpoint.interval=30ms", "--set", "checkpoint.dir=\(crashed)/chk"] + plugins
            if let rescaleTo, attempt >= kills / 2 {
                args += ["--set", "operators.first.parallelism=\(rescaleTo)", "--set", "operators.per_user.parallelism=\(rescaleTo)"]
            }
            return args
        }
        let maxDelay = 0.3 + reference.seconds * 1.5 / Double(kills)
        let attempts = try CrashLoop.run(kills: kills, seed: seed, maxDelay: maxDelay, arguments: arguments, finalDeadline: 600)
        let last = attempts.last!.process
        #expect(last.status == 0 && !last.signaled, "attempt \(attempts.count): \(last.ending): \(last.stderr)")
        #expect(attempts.filter(\.process.timedOut).count == kills, "\(attempts.map(\.process.ending))")
        let resumed = attempts.filter { $0.process.stderr.contains("resuming from checkpoint") && !$0.process.stderr.contains("final one") }
        #expect(resumed.count >= kills / 2, "only \(resumed.count) attempts resumed mid-run (reference: \(reference.seconds) s)")
        for output in Self.outputs {
            let expected = Fixtures.read(clean + "/" + output)
            let got = Fixtures.read(crashed + "/" + output)
            let parallelInput = parallelism > 1 && ["windows.csv", "dups.csv", "late_windows.csv"].contains(output)
            if parallelInput {
                #expect(got.split(separator: "\n").sorted() == expected.split(separator: "\n").sorted(), "\(output): the same lines")
                #expect(got.count == expected.count)
            } else {
                #expect(got == expected, "\(output) differs after \(kills) kills: \(got.count) bytes, expected \(expected.count)")
            }
        }
        #expect(Fixtures.read(clean + "/enriched.csv").split(separator: "\n").count > 30_000)
        #expect(Fixtures.read(clean + "/windows.csv").split(separator: "\n").count > 1_000)
    }

    static var heavy: Bool { ProcessInfo.processInfo.environment["RIVULET_CRASH_KILLS"] != nil }
    static var kills: Int { Int(ProcessInfo.processInfo.environment["RIVULET_CRASH_KILLS"] ?? "") ?? 20 }

    @Test func survivesTwentyKills() throws {
        try crash(kills: Self.kills, seed: 11, parallelism: 1)
    }

    @Test func survivesTwentyKillsAtParallelismTwo() throws {
        try crash(kills: Self.kills, seed: 12, parallelism: 2)
    }

    @Test func survivesTwentyKillsWithARescaleFromTwoToThree() throws {
        try crash(kills: Self.kills, seed: 13, parallelism: 2, rescaleTo: 3)
    }
}
