// ExamplesTests: runs every examples/*/manifest*.yaml with the real `rivulet` binary and compares outputs.
import Foundation
import RivuletManifest
import RivuletTestSupport
import Testing

@Suite struct ExamplesTests {
    static var examples: [String] {
        let root = Fixtures.repositoryRoot + "/examples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/manifest.yaml") }.sorted()
    }

    /// Every runnable manifest: `<example>/manifest.yaml`, and variants `<example>/manifest-<variant>.yaml`
    /// whose expected files are named `expected-<variant>-<sink>.<ext>`.
    static var manifests: [String] {
        let root = Fixtures.repositoryRoot + "/examples"
        return examples.flatMap { name in
            let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(name)")) ?? []
            return files.filter { $0.hasPrefix("manifest") && $0.hasSuffix(".yaml") }.sorted().map { "\(name)/\($0)" }
        }
    }

    /// Runs `rivulet` with `arguments` (and `input` on stdin); returns its exit status, stderr and stdout.
    static func rivulet(_ arguments: [String], input: String? = nil) throws -> (status: Int32, stderr: String, stdout: String) {
        let r = try RivuletProcess.run(arguments, deadline: 300, input: input)
        return (r.status, r.stderr, r.stdout)
    }

    @Test func thereAreExamples() {
        #expect(Self.examples.contains("card-payments"))
    }

    @Test(arguments: manifests)
    func exampleProducesItsExpectedOutput(_ manifest: String) throws {
        let name = (manifest as NSString).deletingLastPathComponent
        let manifestFile = (manifest as NSString).lastPathComponent
        let variant = manifestFile == "manifest.yaml" ? nil : String(manifestFile.dropFirst("manifest-".count).dropLast(".yaml".count))
        let folder = Fixtures.repositoryRoot + "/examples/" + name
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        let variants = files.filter { $0.hasPrefix("manifest-") && $0.hasSuffix(".yaml") }
            .map { String($0.dropFirst("manifest-".count).dropLast(".yaml".count)) }
        // expected-<sink>.<ext> is the output of sink <sink>; expected-<variant>-<sink>.<ext> of a variant's.
        let prefix = variant.map { "expected-\($0)-" } ?? "expected-"
        let expected = files.filter { file in
            guard file.hasPrefix(prefix) else { return false }
            return variant != nil || !variants.contains { file.hasPrefix("expected-\($0)-") }
        }.sorted()
        let deadLettersFile = "\(prefix)dead-letters.jsonl"
        let expectedOutputs = expected.filter { $0 != deadLettersFile }
        #expect(!expectedOutputs.isEmpty, "every example ships its expected output")
        let scratch = Fixtures.temporaryDirectory("rivulet-example")
        var arguments = ["run", "--quiet", "\(folder)/\(manifestFile)", "--set", "dead_letters.path=\(scratch)/dead-letters.jsonl"]
        for file in expectedOutputs {
            let sink = (String(file.dropFirst(prefix.count)) as NSString).deletingPathExtension
            arguments += ["--set", "sinks.\(sink).path=\(scratch)/\(file)"]
        }
        // An example that looks things up in Redis gets a real server, loaded from redis-commands.txt.
        var redis: RedisServer? = nil
        let lookups = try Manifest.load(path: "\(folder)/\(manifestFile)").operators.filter {
            if case .lookup = $0.kind { true } else { false }
        }
        if !lookups.isEmpty {
            let server = try RedisServer()
            for line in Fixtures.read("\(folder)/redis-commands.txt").split(separator: "\n") {
                try server.command(line.split(separator: " ").map(String.init))
            }
            for op in lookups { arguments += ["--set", "operators.\(op.name).address=\(server.address)"] }
            redis = server
        }
        defer { redis?.stop() }
        let result = try Self.rivulet(arguments)
        let expectsDeadLetters = files.contains(deadLettersFile)
        #expect(result.status == (expectsDeadLetters ? 3 : 0), "stderr: \(result.stderr)")
        for file in expectedOutputs {
            #expect(Fixtures.read("\(scratch)/\(file)") == Fixtures.read("\(folder)/\(file)"), "\(name)/\(file)")
        }
        if expectsDeadLetters {
            #expect(Fixtures.read("\(scratch)/dead-letters.jsonl") == Fixtures.read("\(folder)/\(deadLettersFile)"))
        }
    }

    @Test func validateAndDescribeDoNotTouchOutputs() throws {
        let scratch = Fixtures.temporaryDirectory("rivulet-validate")
        let manifest = Fixtures.repositoryRoot + "/examples/card-payments/manifest.yaml"
        let validate = try Self.rivulet(["validate", manifest, "--set", "sinks.out.path=\(scratch)/out.csv"])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("ok (5 nodes, 1 tasks, 0 rings)"))
        let describe = try Self.rivulet(["describe", manifest, "--set", "sinks.out.path=\(scratch)/out.csv"])
        #expect(describe.stdout.contains("task 0 [payments]: source payments (batches of 1024) → fingerprint → mask → to_eur → out"))
        #expect(!FileManager.default.fileExists(atPath: "\(scratch)/out.csv"))
    }

    @Test func invalidManifestExitsTwoWithLocation() throws {
        let scratch = Fixtures.temporaryDirectory("rivulet-invalid")
        Fixtures.write(
            "sources:\n  s: { type: generator, count: 1 }\nsinks:\n  out: { type: null }\nedges:\n  - s -> nowhere\n", to: scratch + "/m.yaml")
        let result = try Self.rivulet(["run", scratch + "/m.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(scratch)/m.yaml:6:"))
    }

    @Test func stdinCSVToStdoutJSONLines() throws {
        let scratch = Fixtures.temporaryDirectory("rivulet-stdin")
        Fixtures.write(
            """
            sources:
              in: { type: stdin, format: csv, schema: { name: string, score: i64, ratio: f64, ok: bool } }
            sinks:
              out: { type: stdout }
            edges: [in -> out]
            """, to: scratch + "/m.yaml")
        let result = try Self.rivulet(
            ["run", "--quiet", scratch + "/m.yaml"], input: "name,score,ratio,ok\n\"Ann, \"\"A\"\"\",3,0.5,true\nBob,,1e3,no\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == "{\"name\":\"Ann, \\\"A\\\"\",\"score\":3,\"ratio\":0.5,\"ok\":true}\n{\"name\":\"Bob\",\"score\":null,\"ratio\":1000.0,\"ok\":false}\n"
        )
    }

    @Test func pluginsInspectListsOperatorsPortsAndConfig() throws {
        let result = try Self.rivulet(["plugins", "inspect", Fixtures.productsDirectory + "/librv_std_c.so"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("rv_std_c 1.0.0"))
        #expect(result.stdout.contains("ABI: 1.0 or newer (min_host_minor 0)"))  // rv_std_c needs no 1.1 slot unguarded
        #expect(result.stdout.contains("operator filter (stateless)"))
        #expect(result.stdout.contains("  outputs: out, rejected, errors"))
        #expect(result.stdout.contains("  config field (string, required): the string field holding the card number"))
        let wrong = try Self.rivulet(["plugins", "inspect", try Fixtures.plugin("wrong_major")])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("built for Rivulet ABI 2.0, but this host speaks ABI 1.2"))
    }

    @Test func pluginsBuildCompilesACPluginWithPlainCC() throws {
        let scratch = Fixtures.temporaryDirectory("rivulet-build")
        let dir = Fixtures.repositoryRoot + "/plugins/c/rv_std_c"
        let result = try Self.rivulet([
            "plugins", "build", "\(dir)/mask.c", "\(dir)/filter.c", "\(dir)/scale.c", "\(dir)/running_total.c", "\(dir)/spread.c",
            "\(dir)/date_time.c", "\(dir)/plugin.c",
            "-I", "\(dir)/include", "--include", Fixtures.includeDirectory, "-o", "\(scratch)/libmine.so",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let inspect = try Self.rivulet(["plugins", "inspect", "\(scratch)/libmine.so"])
        #expect(inspect.stdout.contains("operator mask"))
    }
}

@Suite struct StreamingTests {
    /// Starts `rivulet run` on `manifest` with a pipe as stdin, writes `input` and keeps the pipe open,
    /// reads stdout until `enough` says so (a watchdog ends a hung run after 60 s), and reports whether
    /// the run was still going then, i.e. the output did not wait for the end of input. Then closes stdin.
    static func whilePipeIsOpen(_ manifest: String, input: String, until enough: (Data) -> Bool) throws -> (
        output: String, stillRunning: Bool, status: Int32
    ) {
        let scratch = Fixtures.temporaryDirectory("rivulet-streaming")
        Fixtures.write(manifest, to: scratch + "/m.yaml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.productsDirectory + "/rivulet")
        process.arguments = ["run", "--quiet", scratch + "/m.yaml"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        nonisolated(unsafe) let watched = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if watched.isRunning { watched.terminate() } }
        var received = Data()
        while !enough(received) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        let stillRunning = process.isRunning
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return (String(decoding: received, as: UTF8.self), stillRunning, process.terminationStatus)
    }

    /// A pipe into `rivulet run` that stays open: the records written so far come out at once, without
    /// waiting for a full batch or the end of input.
    @Test func recordsFromAnOpenPipeFlowThroughImmediately() throws {
        let run = try Self.whilePipeIsOpen(
            """
            sources:
              in: { type: stdin, format: csv, header: false, schema: { n: i64 } }
            sinks:
              out: { type: stdout, format: csv, header: false }
            edges: [in -> out]
            """, input: "1\n2\n3\n", until: { $0.count >= 6 })
        #expect(run.stillRunning, "the records came out while stdin was still open")
        #expect(run.output == "1\n2\n3\n")
        #expect(run.status == 0)
    }

    /// Processing-time windows close on the clock: with stdin still open and nothing more arriving, the
    /// window of the two records written is emitted within about a second.
    @Test func processingTimeWindowsCloseOnTheClock() throws {
        let run = try Self.whilePipeIsOpen(
            """
            sources:
              in: { type: stdin, format: csv, header: false, schema: { n: i64 }, time: { type: processing } }
            operators:
              w: { window: tumbling, size: 1s, aggregates: { n: count() } }
            sinks:
              out: { type: stdout, format: csv, header: false }
            edges: [in -> w, w.out -> out]
            """, input: "1\n2\n", until: { $0.contains(UInt8(ascii: "\n")) })
        #expect(run.stillRunning, "the window closed while stdin was still open")
        let fields = run.output.split(separator: "\n").first?.split(separator: ",") ?? []
        #expect(fields.count == 3 && fields[2] == "2" && Int64(fields[1])! - Int64(fields[0])! == 1000, "\(fields)")
        #expect(run.status == 0)
    }
}
