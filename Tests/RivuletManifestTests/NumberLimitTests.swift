// NumberLimitTests: every number a manifest holds is checked against its range, with the range in a located error.
import Testing

@testable import RivuletManifest

@Suite struct NumberLimitTests {
    /// A manifest with one generator, one operator `op` (written by the caller) and one sink.
    static func manifest(source: String = "count: 10", op: String? = nil, extra: String = "") -> String {
        """
        plugins:
          std: { library: rv_std_c }
        stores:
          s: { type: memory }
        sources:
          gen: { type: generator, \(source) }
        operators:
          op: \(op ?? "{ plugin: std, operator: mask }")
        sinks:
          out: { type: "null" }
        edges: [gen -> op, op -> out]
        \(extra)
        """
    }

    @Test(arguments: [
        ("count: 10, batch_size: 9223372036854775807", "6:50: batch_size must be an integer from 1 to 65536, got '9223372036854775807'"),
        ("count: 10, batch_size: 1000000000000", "6:50: batch_size must be an integer from 1 to 65536, got '1000000000000'"),
        ("count: 10, batch_size: 65537", "6:50: batch_size must be an integer from 1 to 65536, got '65537'"),
        ("count: 1_000_000_000_000_001", "6:34: count must be an integer from 0 to 1_000_000_000_000_000, got '1_000_000_000_000_001'"),
        ("count: 99999999999999999999", "6:34: count must be an integer from 0 to 1_000_000_000_000_000, got '99999999999999999999'"),
        ("count: 10, keys: 1000001", "6:44: keys must be an integer from 1 to 1_000_000, got '1000001'"),
        ("count: 10, rate: 0.0001", "6:44: rate must be a number from 0.001 to 1_000_000_000, got '0.0001'"),
        ("count: 10, rate: 1e10", "6:44: rate must be a number from 0.001 to 1_000_000_000, got '1e10'"),
        ("count: 10, seed: 18446744073709551616", "6:44: seed must be an integer from 0 to 18446744073709551615, got '18446744073709551616'"),
        (
            "count: 10, time: { type: processing, idle_timeout: 0 }",
            "6:78: idle_timeout must be a duration from 1ms to 100 years (such as 500ms, 10s, 5m, 1h), got '0'"
        ),
        (
            "count: 10, time: { type: processing, max_out_of_order: 101y }",
            "6:82: max_out_of_order must be a duration from 0 to 100 years (such as 500ms, 10s, 5m, 1h), got '101y'"
        ),
    ])
    func sourceNumbers(_ source: String, _ expected: String) {
        #expect(ManifestCheck.errors(Self.manifest(source: source)) == [expected])
    }

    @Test(arguments: [
        ("{ plugin: std, operator: mask, parallelism: 1000000 }", "8:51: parallelism must be an integer from 1 to 256, got '1000000'"),
        ("{ plugin: std, operator: mask, parallelism: 257 }", "8:51: parallelism must be an integer from 1 to 256, got '257'"),
        (
            "{ window: hopping, size: 1d, advance: 1ms, aggregates: { n: 'count()' } }",
            "8:45: a hopping window's size / advance (each record's windows) must be from 1 to 10000, got 86400000 (size 86400000 ms, advance 1 ms): raise advance"
        ),
        (
            "{ window: session, gap: 0, aggregates: { n: 'count()' } }",
            "8:31: gap must be a duration from 1ms to 100 years (such as 500ms, 10s, 5m, 1h), got '0'"
        ),
        (
            "{ window: tumbling, size: 1s, grace: 200y, aggregates: { n: 'count()' } }",
            "8:44: grace must be a duration from 0 to 100 years (such as 500ms, 10s, 5m, 1h), got '200y'"
        ),
        (
            "{ window: tumbling, size: 1s, aggregates: { t: 'top(key, value, 10001)' } }",
            "8:54: aggregate 't': top takes top(label_field, measure_field, n) (n from 1 to 10000), got 'top(key, value, 10001)'"
        ),
        (
            "{ window: tumbling, size: 1s, aggregates: { p: 'percentile(value, 0)' } }",
            "8:54: aggregate 'p': percentile takes percentile(field, p) (p greater than 0 and at most 100), got 'percentile(value, 0)'"
        ),
        (
            "{ lookup: redis, key: key, fields: { a: i64 }, address: 'h:70000' }",
            "8:63: address must be host:port with a port from 1 to 65535, e.g. 127.0.0.1:6379, got 'h:70000'"
        ),
        ("{ lookup: redis, key: key, fields: { a: i64 }, batch: 0 }", "8:61: batch must be an integer from 1 to 65536, got '0'"),
        (
            "{ lookup: redis, key: key, fields: { a: i64 }, timeout: 2h }",
            "8:63: timeout must be a duration from 1ms to 1h (such as 500ms, 10s, 5m, 1h), got '2h'"
        ),
        (
            "{ lookup: redis, key: key, fields: { a: i64 }, cache: { entries: 100000001 } }",
            "8:72: entries must be an integer from 0 to 100_000_000, got '100000001'"
        ),
        (
            "{ lookup: redis, key: key, fields: { a: i64 }, cache: { bytes: 2TB } }",
            "8:70: bytes must be a size from 1 byte to 1TB (such as 512KB, 64MB, 2GB, or a number of bytes), got '2TB'"
        ),
        (
            "{ function: { library: libm.so.6, symbol: ldexp, args: [f64, i32], returns: f64 }, arguments: [value, 4294967296], output: y }",
            "8:109: argument 2 of operator 'op' is i32, so its literal must be an integer from -2_147_483_648 to 2_147_483_647, got 4294967296"
        ),
    ])
    func operatorNumbers(_ op: String, _ expected: String) {
        #expect(ManifestCheck.errors(Self.manifest(op: op)) == [expected])
    }

    @Test func storeBudgets() {
        #expect(
            ManifestCheck.errors(Self.manifest().replacingOccurrences(of: "{ type: memory }", with: "{ type: memory, budget: 0 }")) == [
                "4:30: budget must be a size from 1 byte to 1TB (such as 512KB, 64MB, 2GB, or a number of bytes), got '0'"
            ])
        #expect(
            ManifestCheck.errors(Self.manifest().replacingOccurrences(of: "{ type: memory }", with: "{ type: memory, budget: 9EB }")) == [
                "4:30: budget must be a size from 1 byte to 1TB (such as 512KB, 64MB, 2GB, or a number of bytes), got '9EB'"
            ])
        #expect(ManifestCheck.errors(Self.manifest().replacingOccurrences(of: "{ type: memory }", with: "{ type: memory, budget: 1TB }")) == [])
    }

    @Test func boundsThemselvesAreAllowed() throws {
        let manifest = try ManifestCheck.parse(
            Self.manifest(
                source: "count: 1_000_000_000_000_000, batch_size: 65536, keys: 1_000_000, rate: 0.001, seed: 0",
                op: "{ plugin: std, operator: mask, parallelism: 256 }"))
        #expect(manifest.sources[0].batchSize == 65536)
        #expect(manifest.sources[0].kind == .generator(GeneratorSpec(count: 1_000_000_000_000_000, seed: 0, keys: 1_000_000, rate: 0.001)))
        #expect(manifest.operators[0].parallelism == 256)
    }

    /// An override is checked like the file: the same range, located at the override.
    @Test func overridesAreCheckedAgainstTheSameLimits() {
        #expect(
            ManifestCheck.errors(Self.manifest(), ["sources.gen.batch_size=0", "operators.op.parallelism=1000000"]) == [
                "--set sources.gen.batch_size: batch_size must be an integer from 1 to 65536, got '0'",
                "--set operators.op.parallelism: parallelism must be an integer from 1 to 256, got '1000000'",
            ])
    }
}
