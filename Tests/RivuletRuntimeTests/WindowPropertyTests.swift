// WindowPropertyTests: window and join results do not depend on batch sizes, ring capacities, chaining or parallelism.
import Foundation
import RivuletManifest
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct WindowPropertyTests {
    /// How a run is cut up: source batch size, operator batch size, ring capacity, chaining, parallelism.
    struct Shape: CustomStringConvertible, Sendable {
        let sourceBatch: Int
        let operatorBatch: Int
        let ring: Int
        let chain: Bool
        let parallelism: Int
        var description: String { "source batch \(sourceBatch), batch \(operatorBatch), ring \(ring), chain \(chain), parallelism \(parallelism)" }
    }

    static let shapes = [
        Shape(sourceBatch: 1, operatorBatch: 1, ring: 1, chain: false, parallelism: 1),
        Shape(sourceBatch: 7, operatorBatch: 5, ring: 2, chain: true, parallelism: 1),
        Shape(sourceBatch: 3, operatorBatch: 1024, ring: 1, chain: false, parallelism: 1),
        Shape(sourceBatch: 1024, operatorBatch: 1024, ring: 64, chain: false, parallelism: 1),
        Shape(sourceBatch: 13, operatorBatch: 3, ring: 2, chain: true, parallelism: 2),
        Shape(sourceBatch: 1, operatorBatch: 2, ring: 1, chain: true, parallelism: 3),
    ]

    static let manifests = [
        "page-views/manifest.yaml", "sensor-late-events/manifest.yaml", "sensor-late-events/manifest-update.yaml",
        "user-sessions/manifest.yaml", "best-sellers/manifest.yaml", "tumbling-csv/manifest.yaml",
        "click-enrichment/manifest.yaml", "orders-customers/manifest.yaml", "ad-impressions-clicks/manifest-outer.yaml",
    ]

    /// Lines of a CSV output, for comparing runs whose instances interleave their output: the header stays
    /// first, the rest is sorted (each instance keeps its own order; instances race each other).
    static func multiset(_ text: String, header: Bool) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = header && !lines.isEmpty ? [lines.removeFirst()] : []
        return first + lines.sorted()
    }

    @Test(arguments: manifests, shapes)
    func resultsDoNotDependOnHowTheRunIsCut(_ manifestPath: String, _ shape: Shape) throws {
        let folder = Fixtures.repositoryRoot + "/examples/" + (manifestPath as NSString).deletingLastPathComponent
        let file = (manifestPath as NSString).lastPathComponent
        let variant = file == "manifest.yaml" ? "" : String(file.dropFirst("manifest-".count).dropLast(".yaml".count)) + "-"
        let scratch = Fixtures.temporaryDirectory("rivulet-window-property")
        let base = try Manifest.load(path: folder + "/" + file)
        var overrides = ["dead_letters.path=\(scratch)/dead.jsonl"]
        for sink in base.sinks { overrides.append("sinks.\(sink.name).path=\(scratch)/\(sink.name).csv") }
        for source in base.sources { overrides.append("sources.\(source.name).batch_size=\(shape.sourceBatch)") }
        var keyed = true
        for op in base.operators {
            overrides.append("operators.\(op.name).chain=\(shape.chain)")
            if case .window(let w) = op.kind, w.keyBy == nil { keyed = false }
            if case .join = op.kind { keyed = false }  // joins run one instance (a planning rule)
        }
        // Unkeyed (global) windows run one instance: that is a planning rule, tested elsewhere.
        let parallelism = keyed ? shape.parallelism : 1
        for op in base.operators { overrides.append("operators.\(op.name).parallelism=\(parallelism)") }
        let manifest = try Manifest.load(path: folder + "/" + file, overrides: overrides)
        let options = RunOptions(batchSize: shape.operatorBatch, ringCapacity: shape.ring, pluginSearchPaths: [Fixtures.productsDirectory])
        let summary = try Planner(manifest: manifest, options: options).plan().run()
        #expect(summary.deadLetters == 0)
        for sink in base.sinks where sink.kind != .null {
            let expected = Fixtures.read("\(folder)/expected-\(variant)\(sink.name).csv")
            let got = Fixtures.read("\(scratch)/\(sink.name).csv")
            if parallelism == 1 {
                #expect(got == expected, "\(manifestPath) sink \(sink.name) with \(shape)")
            } else {
                let header = sink.header
                #expect(
                    Self.multiset(got, header: header) == Self.multiset(expected, header: header), "\(manifestPath) sink \(sink.name) with \(shape)")
            }
        }
    }
}
