// LookupTests: the Redis lookup against a real redis-server: enrichment, the cache's hit rate on skewed
// keys, the server stopped mid-run (records dead-lettered, or the run failing cleanly), AUTH and TLS.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite(.serialized) struct LookupTests {
    static func manifest(
        _ redis: RedisServer, input: String, cache: String = "{ entries: 1000, ttl: 1m }", onError: String = "dead_letter",
        batch: Int = 256, settings: String = ""
    ) -> String {
        manifest(address: redis.address, input: input, cache: cache, onError: onError, batch: batch, settings: settings)
    }

    /// `settings`: more lines of the lookup operator (password_env, tls…), indented under it.
    static func manifest(
        address: String, input: String, cache: String = "{ entries: 1000, ttl: 1m }", onError: String = "dead_letter",
        batch: Int = 256, settings: String = ""
    ) -> String {
        """
        sources:
          s: \(input)
        operators:
          profile:
            lookup: redis
            address: \(address)
        \(settings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            key: user_id
            key_prefix: "profile:"
            fields: { age: i64, gender: string }
            cache: \(cache)
            batch: \(batch)
            timeout: 500ms
            on_error: \(onError)
        sinks:
          out: { type: file, path: out.csv, header: false }
        edges: [s -> profile, profile -> out]
        dead_letters: { type: file, path: dead.jsonl }
        """
    }

    @Test func enrichesWithHashFieldsAndKeepsMissingKeysWithNulls() throws {
        let redis = try RedisServer()
        try redis.command(["HSET", "profile:u1", "age", "30", "gender", "f"])
        try redis.command(["HSET", "profile:u2", "age", "40", "gender", "m"])
        let t = TopologyRunner()
        t.write("in.csv", "user_id,page\nu1,/a\nu2,/b\nu3,/c\nu1,/d\n")
        let summary = try t.run(Self.manifest(redis, input: "{ type: file, path: in.csv, schema: { user_id: string, page: string } }"))
        #expect(t.read("out.csv") == "u1,/a,30,f\nu2,/b,40,m\nu3,/c,,\nu1,/d,30,f\n")
        #expect(summary.lookups.first?.misses == 3 && summary.lookups.first?.hits == 1)
    }

    /// 2000 lookups over 100 keys with a skewed (Zipf-like) distribution: every key misses once, the
    /// rest are cache hits; a cache of 10 entries misses far more often.
    @Test func theCacheServesSkewedKeys() throws {
        let redis = try RedisServer()
        var lines = "user_id\n"
        var state: UInt64 = 7
        var distinct = Set<Int>()
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Double(state >> 11) / Double(1 << 53)
            let k = Int(pow(100.0, u)) - 1  // log-uniform over 0..<100: a few keys dominate
            distinct.insert(k)
            lines += "u\(k)\n"
        }
        for k in distinct { try redis.command(["HSET", "profile:u\(k)", "age", "\(k)", "gender", "x"]) }
        let t = TopologyRunner()
        t.write("in.csv", lines)
        let input = "{ type: file, path: in.csv, schema: { user_id: string }, batch_size: 64 }"
        let big = try t.run(Self.manifest(redis, input: input, cache: "{ entries: 1000, ttl: 1m }")).lookups[0]
        #expect(big.misses == distinct.count, "each key misses once")
        #expect(big.hits == 2000 - distinct.count)
        let small = try t.run(Self.manifest(redis, input: input, cache: "{ entries: 10, ttl: 1m }")).lookups[0]
        #expect(small.misses > big.misses && small.hits + small.misses == 2000)
        #expect(Double(small.hits) / 2000 > 0.3, "even 10 entries catch the hot keys")
        #expect(t.read("out.csv").split(separator: "\n").count == 2000)
    }

    /// A generator feeding lookups at 100 records/s for far longer than any test (1,000 s): the tests stop
    /// the server, and then the run, on conditions (`runStoppingTheServer`).
    static let slowInput = "{ type: generator, count: 100000, rate: 100, keys: 100000 }"

    static func slowManifest(_ redis: RedisServer, onError: String) -> String {
        manifest(redis, input: slowInput, cache: "{ entries: 0 }", onError: onError, batch: 1)
            .replacingOccurrences(of: "key: user_id", with: "key: key")
    }

    /// Runs `manifest` (the lookup `profile` fed by `slowInput`, one record per batch): stops `redis` once
    /// more than 10 records have reached the lookup (so at least 10 were looked up with the server up),
    /// and stops the run gracefully once more than 10 records have been dead-lettered — or after 60 s, so
    /// a broken test ends. Conditions, not delays: a loaded machine makes it slower, not flaky.
    static func runStoppingTheServer(_ t: TopologyRunner, _ manifest: String, _ redis: RedisServer) throws -> RunSummary {
        let plan = try t.plan(manifest)
        var serverStopped = false
        let deadline = Deadline(seconds: 60)
        return try plan.run(progressInterval: 0.01) { _ in
            let reached = plan.metricsSnapshot().instances.first { $0.node == "profile" }?.recordsIn ?? 0
            if !serverStopped && reached > 10 {
                redis.stop()
                serverStopped = true
            }
            if (serverStopped && plan.deadLettered > 10) || deadline.hasPassed { plan.requestStop() }
        }
    }

    @Test func aServerStoppedMidRunDeadLettersTheRecordsThatNeedIt() throws {
        let redis = try RedisServer()
        let t = TopologyRunner()
        let summary = try Self.runStoppingTheServer(t, Self.slowManifest(redis, onError: "dead_letter"), redis)
        let written = t.read("out.csv").split(separator: "\n").count
        #expect(written >= 10, "lookups succeeded before the stop")
        #expect(summary.deadLetters > 10, "and failed after it")
        #expect(Int64(written) + summary.deadLetters == summary.recordsIn, "nothing lost")
        #expect(t.read("dead.jsonl").contains("lookup of profile:key-"))
        #expect(t.read("dead.jsonl").contains("redis \(redis.address):"))
    }

    @Test func aServerStoppedMidRunCanStopTheRun() throws {
        let redis = try RedisServer()
        let t = TopologyRunner()
        #expect {
            try Self.runStoppingTheServer(t, Self.slowManifest(redis, onError: "fail"), redis)
        } throws: { "\($0)".contains("profile: lookup failed: redis \(redis.address):") }
    }
}
