// CheckpointManifestTests: the `checkpoint` section and `max_parallelism`: values, defaults, ranges, overrides, warnings.
import Foundation
import RivuletManifest
import Testing

@Suite struct CheckpointManifestTests {
    static let stdinToStdout = """
        sources:
          in: { type: stdin, format: csv, header: false, schema: { k: string } }
        sinks:
          out: { type: stdout }
          file: { type: file, path: out.csv }
        edges: [in -> out, in -> file]
        """

    @Test func theSectionIsReadWithItsDefaults() throws {
        let m = try ManifestCheck.parse(Self.stdinToStdout + "\ncheckpoint: { interval: 250ms, dir: chk, retain: 5 }\n")
        let spec = try #require(m.checkpoint)
        #expect(spec.interval == 250 && spec.retain == 5 && spec.timeout == 600_000)
        #expect(spec.directory == m.directory + "/chk")
        let defaults = try #require(try ManifestCheck.parse(Self.stdinToStdout + "\ncheckpoint: {}\n").checkpoint)
        #expect(defaults.interval == 1_000 && defaults.retain == 3 && defaults.directory == m.directory + "/checkpoints")
        #expect(try ManifestCheck.parse(Self.stdinToStdout).checkpoint == nil)
    }

    @Test func overridesTurnCheckpointingOnWithoutASection() throws {
        let m = try ManifestCheck.parse(Self.stdinToStdout, ["checkpoint.interval=100ms", "checkpoint.dir=/tmp/x"])
        #expect(m.checkpoint?.interval == 100 && m.checkpoint?.directory == "/tmp/x")
        #expect(ManifestCheck.errors(Self.stdinToStdout, ["nothere.interval=1s"]).first?.contains("no key 'nothere' at the top level") == true)
    }

    @Test func numbersAreRangeChecked() {
        #expect(
            ManifestCheck.errors(Self.stdinToStdout + "\ncheckpoint: { interval: 5ms }\n")
                == [
                    "7:25: checkpoint.interval must be a duration from 10ms to 1d (such as 500ms, 10s, 5m, 1h), got '5ms'"
                ])
        #expect(
            ManifestCheck.errors(Self.stdinToStdout + "\ncheckpoint: { retain: 0 }\n").first?.contains(
                "checkpoint.retain must be an integer from 1 to 1000") == true)
        #expect(ManifestCheck.errors(Self.stdinToStdout + "\ncheckpoint: { every: 1s }\n").first?.contains("unknown key 'every'") == true)
        #expect(
            ManifestCheck.errors(Self.stdinToStdout + "\nmax_parallelism: 0\n").first?.contains("max_parallelism must be an integer from 1 to 32768")
                == true)
    }

    @Test func maxParallelismDefaultsAsFlinksAndBoundsEveryOperator() throws {
        let op = { (p: Int) in
            """
            sources:
              in: { type: generator, count: 1 }
            operators:
              w: { window: tumbling, size: 1s, key_by: key, parallelism: \(p), aggregates: { n: count() } }
            sinks:
              out: { type: null }
            edges: [in -> w, w.out -> out]
            """
        }
        #expect(try ManifestCheck.parse(op(2)).maxParallelism == 128)
        #expect(try ManifestCheck.parse(op(100)).maxParallelism == 256, "1.5 × 100 rounded up to a power of two")
        #expect(try ManifestCheck.parse(op(4) + "\nmax_parallelism: 8\n").maxParallelism == 8)
        let errors = ManifestCheck.errors(op(16) + "\nmax_parallelism: 8\n")
        #expect(errors.first?.contains("operator 'w' has parallelism 16, more than max_parallelism 8") == true, "\(errors)")
    }

    @Test func partsThatAreNotExactlyOnceAreNamed() throws {
        let m = try ManifestCheck.parse(
            Self.stdinToStdout + "\ndead_letters: { type: file, path: dead.jsonl }\n", ["checkpoint.dir=/tmp/x"])
        let warnings = m.warnings.map(\.message)
        #expect(warnings.count == 3, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("source 'in' reads stdin, which cannot be read again") })
        #expect(warnings.contains { $0.hasPrefix("sink 'out' writes to stdout, which cannot take back output") && $0.contains("(at least once)") })
        #expect(warnings.contains { $0.hasPrefix("dead letters are written as they happen") })
        #expect(try ManifestCheck.parse(Self.stdinToStdout).warnings.isEmpty, "without checkpoints nothing is promised")
    }
}
