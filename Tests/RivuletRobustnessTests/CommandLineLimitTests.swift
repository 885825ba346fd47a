// CommandLineLimitTests: every out-of-range number on `rivulet`'s command line exits 2 with its range, never a signal.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct CommandLineLimitTests {
    /// A manifest every command accepts: a generator into a null sink.
    static let manifest: String = {
        let folder = Fixtures.temporaryDirectory("rivulet-cli-limits")
        Fixtures.write(
            """
            sources:
              gen: { type: generator, count: 10 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """, to: folder + "/m.yaml")
        return folder + "/m.yaml"
    }()

    /// (command line before the option, option, values out of range, the range the message must give).
    static let cases: [(command: [String], option: String, values: [String], range: String)] = [
        (
            ["validate", manifest], "--batch-size", ["0", "-1", "65537", "1000000000000", "9223372036854775807", "99999999999999999999", "many"],
            "an integer from 1 to 65536"
        ),
        (["validate", manifest], "--ring-capacity", ["0", "-3", "65537", "1099511627776"], "an integer from 1 to 65536"),
        (["describe", manifest], "--batch-size", ["0"], "an integer from 1 to 65536"),
        (["run", manifest], "--batch-size", ["1000000000000"], "an integer from 1 to 65536"),
        (["run", manifest], "--ring-capacity", ["0"], "an integer from 1 to 65536"),
        (["run", manifest], "--metrics-port", ["-1", "65536", "4294967296"], "an integer from 0 to 65535"),
        (["bench", manifest], "--events", ["0", "-5", "1000000000000001"], "an integer from 1 to 1_000_000_000_000_000"),
        (["bench", manifest, "--events", "10"], "--keys", ["0", "1000001", "9223372036854775807"], "an integer from 1 to 1_000_000"),
        (["bench", manifest, "--events", "10"], "--rate", ["0", "-1", "1e10", "nan", "inf"], "a number from 0.001 to 1_000_000_000"),
        (["bench", manifest], "--seed", ["-1", "18446744073709551616"], "an integer from 0 to 18446744073709551615"),
        (["bench", manifest], "--warmup", ["-1", "86401", "1e30"], "a number of seconds from 0 to 86400"),
        (["bench", manifest], "--interval", ["0", "3601"], "a number of seconds from 0.001 to 3600"),
        (["bench", manifest], "--runs", ["0", "1001"], "an integer from 1 to 1000"),
        (["bench", "pipeline", manifest], "--runs", ["0", "-2"], "an integer from 1 to 1000"),
        (["bench", "pipeline", manifest], "--batch-size", ["0"], "an integer from 1 to 65536"),
        (["bench", "ring"], "--count", ["0", "1000000000001"], "an integer from 1 to 1_000_000_000_000"),
        (["bench", "ring"], "--runs", ["0"], "an integer from 1 to 1000"),
        (["bench", "ring"], "--capacity", ["0", "1099511627776"], "an integer from 1 to 1_048_576"),
        (["kafka", "mock"], "--brokers", ["0", "-1", "17", "99999999999999999999", "two"], "an integer from 1 to 16"),
        (["kafka", "consume", "t", "--bootstrap-servers", "x:1"], "--timeout", ["0", "3601", "1.5"], "an integer from 1 to 3600"),
        (["kafka", "consume", "t", "--bootstrap-servers", "x:1"], "--max", ["0", "1000000000001"], "an integer from 1 to 1_000_000_000_000"),
        (
            ["kafka", "produce", "t", "f.txt", "--bootstrap-servers", "x:1"], "--partition", ["-1", "2147483647"],
            "an integer from 0 to 2_147_483_646"
        ),
    ]

    @Test(arguments: cases.indices)
    func outOfRangeValuesExit2WithTheirRange(_ index: Int) throws {
        let (command, option, values, range) = Self.cases[index]
        for value in values {
            let result = try RivuletProcess.run(command + [option, value], deadline: 20)
            let line = "rivulet \((command + [option, value]).joined(separator: " ")): \(result.ending)\n\(result.stderr)"
            #expect(!result.signaled && !result.timedOut, "\(line)")
            #expect(result.status == 2, "\(line)")
            #expect(result.stderr.contains(option), "\(line)")
            #expect(result.stderr.contains("must be \(range)"), "\(line)")
        }
    }

    @Test func aRingCapacityThatIsNotAPowerOfTwoIsRefused() throws {
        let result = try RivuletProcess.run(["bench", "ring", "--capacity", "3", "--count", "1000"], deadline: 20)
        #expect(!result.signaled && result.status == 2, "\(result.ending)\n\(result.stderr)")
        #expect(result.stderr.contains("--capacity must be a power of two"), "\(result.stderr)")
    }

    @Test func valuesInRangeStillWork() throws {
        let result = try RivuletProcess.run(["validate", Self.manifest, "--batch-size", "65536", "--ring-capacity", "1"], deadline: 20)
        #expect(result.status == 0, "\(result.ending)\n\(result.stderr)")
        let ring = try RivuletProcess.run(["bench", "ring", "--count", "1000", "--runs", "1", "--capacity", "1"], deadline: 20)
        #expect(ring.status == 0, "\(ring.ending)\n\(ring.stderr)")
    }

    /// Numbers in the manifest (here through `--set`) are refused at validation with their range and location.
    @Test(arguments: [
        ("sources.gen.batch_size=9223372036854775807", "--set sources.gen.batch_size:1:1: error: batch_size must be an integer from 1 to 65536"),
        ("sources.gen.batch_size=1000000000000", "--set sources.gen.batch_size:1:1: error: batch_size must be an integer from 1 to 65536"),
        ("sources.gen.keys=1000000000000", "--set sources.gen.keys:1:1: error: keys must be an integer from 1 to 1_000_000"),
        ("sources.gen.count=1e30", "--set sources.gen.count:1:1: error: count must be an integer from 0 to 1_000_000_000_000_000"),
    ])
    func manifestNumbersOutOfRangeAreLocatedErrors(_ override: String, _ expected: String) throws {
        let result = try RivuletProcess.run(["validate", Self.manifest, "--set", override], deadline: 20)
        #expect(!result.signaled && result.status == 2, "\(result.ending)\n\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    /// `parallelism: 1000000` used to plan a million instances (gigabytes) before anything was checked.
    @Test func hugeParallelismIsRefusedAtOnce() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-cli-parallelism")
        Fixtures.write(
            """
            plugins:
              std: { library: rv_std_c }
            sources:
              gen: { type: generator, count: 10 }
            operators:
              keep: { plugin: std, operator: filter, config: { field: value, op: ">", value: 1 }, parallelism: 1000000 }
            sinks:
              out: { type: "null" }
            edges: [gen -> keep, keep -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 20)
        #expect(!result.signaled && result.status == 2, "\(result.ending)\n\(result.stderr)")
        #expect(result.stderr.contains("m.yaml:6:100: error: parallelism must be an integer from 1 to 256, got '1000000'"), "\(result.stderr)")
        #expect(result.seconds < 10)
    }
}
