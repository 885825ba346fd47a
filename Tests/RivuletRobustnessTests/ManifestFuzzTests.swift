// ManifestFuzzTests: seeded mutations of the shipped manifests either load or fail with located errors — never a crash or a hang.
import Foundation
import RivuletManifest
import RivuletTestSupport
import Testing

@Suite struct ManifestFuzzTests {
    /// `RIVULET_FUZZ_LONG=1`: 200,000 mutations in process and 2,000 through the binary (CI: 10,000 and 200).
    static let long = ProcessInfo.processInfo.environment["RIVULET_FUZZ_LONG"] == "1"
    static let inProcessCases = long ? 200_000 : 10_000
    static let processCases = long ? 2_000 : 200
    /// Seeds of the binary sample start here, so it does not repeat the in-process cases.
    static let processSeeds: UInt64 = 1_000_000_000

    /// The shipped manifests: every example's and the benchmarks'.
    static let corpus: [(path: String, text: String)] = {
        let root = Fixtures.repositoryRoot
        var paths: [String] = []
        for folder in ["examples"] {
            for example in ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)")) ?? []).sorted() {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)/\(example)")) ?? []
                paths += files.filter { $0.hasPrefix("manifest") && $0.hasSuffix(".yaml") }.sorted().map { "\(root)/\(folder)/\(example)/\($0)" }
            }
        }
        paths += ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/Benchmarks")) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { "\(root)/Benchmarks/\($0)" }
        return paths.compactMap { path in (try? String(contentsOfFile: path, encoding: .utf8)).map { (path, $0) } }
    }()

    /// Case `seed`: which manifest, its mutated text, and the overrides.
    static func mutation(_ seed: UInt64) -> (path: String, text: String, overrides: [String]) {
        let (path, text) = corpus[Int(seed % UInt64(corpus.count))]
        var mutator = ManifestMutator(seed: seed)
        var overrides: [String] = []
        let mutated = mutator.mutate(text, overrides: &overrides)
        return (path, mutated, overrides)
    }

    /// What is wrong with where `error` is located; nil when it is a place the problem can be: in the file
    /// (or the override) it names, on a line and column that exist, and at 1:1 only if something starts
    /// there and the message names no other line.
    static func misplacement(_ error: ManifestError, text: String, file: String, overrides: [String]) -> String? {
        guard let location = error.location else { return "no location: \(error.message)" }
        if error.message.range(of: #"\d+:\d+: error"#, options: .regularExpression) != nil {
            return "a raw parser message: \(error)"
        }
        if location.file.hasPrefix("--set ") {
            let path = String(location.file.dropFirst("--set ".count))
            guard let override = overrides.first(where: { $0 == path || $0.hasPrefix(path + "=") }) else {
                return "located in an override that was not given: \(error)"
            }
            let value = override.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first ?? ""
            return location.line <= 2 && location.column <= value.unicodeScalars.count + 2 ? nil : "outside its override '\(override)': \(error)"
        }
        guard location.file == file else { return "in another file: \(error)" }
        // YAML breaks lines at \n, \r\n and \r.
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" }
        guard location.line >= 1, location.line <= lines.count + 1 else { return "line \(location.line) of \(lines.count): \(error)" }
        let length = location.line <= lines.count ? lines[location.line - 1].unicodeScalars.count : 0
        guard location.column >= 1, location.column <= length + 2 else {
            return "column \(location.column) of a line of \(length): \(error)"
        }
        if location.line == 1 && location.column == 1 && error.message != "the manifest is empty" {
            // (A tab there may be the problem itself: YAML refuses tabs before a token.)
            let first = text.unicodeScalars.first { $0 != "\u{FEFF}" }
            if first == nil || first == " " || first == "\n" || first == "\r" || first == "#" {
                return "at 1:1 where nothing starts: \(error)"
            }
            if let match = error.message.range(of: #"line (\d+)"#, options: .regularExpression),
                error.message[match] != "line 1"
            {
                return "at 1:1 but the message names \(error.message[match]): \(error)"
            }
        }
        return nil
    }

    /// Resident memory of this process, in bytes.
    static var residentBytes: Int {
        let fields = ((try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "").split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    @Test func theCorpusIsTheShippedManifests() {
        #expect(Self.corpus.count >= 14)
        for (path, text) in Self.corpus {
            #expect((try? Manifest.parse(yaml: text, file: path)) != nil, "\(path) does not load")
        }
    }

    @Test func mutatedManifestsLoadOrFailWithLocatedErrors() {
        var problems: [String] = []
        var loaded = 0, refused = 0
        var slowest = (seconds: 0.0, seed: UInt64(0))
        let start = Date()
        for seed in 0..<UInt64(Self.inProcessCases) {
            let (path, text, overrides) = Self.mutation(seed)
            let began = Date()
            do {
                _ = try Manifest.parse(yaml: text, file: path, overrides: overrides)
                loaded += 1
            } catch {
                refused += 1
                if error.errors.isEmpty { problems.append("seed \(seed): thrown without errors") }
                for e in error.errors {
                    if let problem = Self.misplacement(e, text: text, file: path, overrides: overrides) {
                        problems.append("seed \(seed): \(problem)")
                    }
                }
            }
            let seconds = Date().timeIntervalSince(began)
            if seconds > slowest.seconds { slowest = (seconds, seed) }
            if seconds > 2 { problems.append("seed \(seed): took \(seconds) s") }
            if seed % 1000 == 0 && Self.residentBytes > 1 << 30 { problems.append("seed \(seed): \(Self.residentBytes >> 20) MB resident") }
            if problems.count >= 20 { break }
        }
        let summary =
            "\(loaded) loaded, \(refused) refused in \(Int(Date().timeIntervalSince(start))) s; slowest: seed \(slowest.seed), \(slowest.seconds) s"
        #expect(problems.isEmpty, "\(summary)\n\(problems.joined(separator: "\n"))")
        // The mutations must reach both outcomes, or the test proves little.
        #expect(loaded > Self.inProcessCases / 100 && refused > Self.inProcessCases / 2, "\(summary)")
    }

    /// A sample through `rivulet validate`, in a copy of the example's folder (its data files linked in, so
    /// relative paths resolve): exit 0 or 2, never a signal or a hang.
    @Test(arguments: 0..<4)
    func aSampleThroughTheRealValidateExits0Or2(_ quarter: Int) throws {
        let count = Self.processCases / 4
        for i in (quarter * count)..<((quarter + 1) * count) {
            let seed = Self.processSeeds + UInt64(i)
            let (path, text, overrides) = Self.mutation(seed)
            let source = (path as NSString).deletingLastPathComponent
            let folder = Fixtures.temporaryDirectory("rivulet-fuzz")
            // Data files only: never a link named like the manifest, which writing would follow into the checkout.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: source)) ?? [] where !name.hasSuffix(".yaml") {
                try? FileManager.default.createSymbolicLink(atPath: "\(folder)/\(name)", withDestinationPath: "\(source)/\(name)")
            }
            let file = "\(folder)/\((path as NSString).lastPathComponent)"
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .withoutOverwriting)
            // An argument cannot hold a NUL (no shell could pass one; Foundation's Process crashes on it).
            let arguments = overrides.map { $0.replacingOccurrences(of: "\u{0}", with: "") }.flatMap { ["--set", $0] }
            let result = try RivuletProcess.run(["validate", file] + arguments, deadline: 30)
            let what = "seed \(seed) (\(path), \(overrides)): \(result.ending)\n\(result.stderr.prefix(1500))"
            #expect(!result.signaled && !result.timedOut, "\(what)")
            #expect(result.status == 0 || result.status == 2, "\(what)")
            if result.status == 2 {
                #expect(!result.stderr.isEmpty, "\(what)")
            }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}
