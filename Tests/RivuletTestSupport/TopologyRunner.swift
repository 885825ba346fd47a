// TopologyRunner: runs a manifest written by a test, in a scratch folder, and reads what it produced.
import Foundation
import RivuletManifest
import RivuletRuntime

/// Writes a manifest (and input files) into a fresh folder, plans and runs it with the shipped plugins
/// and the fixture plugins on the search path, and returns the summary.
public struct TopologyRunner {
    public let folder: String

    public init() {
        folder = Fixtures.temporaryDirectory("rivulet-topology")
    }

    public func path(_ name: String) -> String { "\(folder)/\(name)" }

    public func write(_ name: String, _ text: String) {
        Fixtures.write(text, to: path(name))
    }

    public func read(_ name: String) -> String {
        Fixtures.read(path(name))
    }

    /// Plans the manifest text (written as manifest.yaml) with `extraPluginPaths` searched first.
    /// `adjust` may change the run options (benchmark settings) before planning.
    public func plan(
        _ manifest: String, overrides: [String] = [], extraPluginPaths: [String] = [], batchSize: Int = 1024,
        ringCapacity: Int = 64, adjust: (inout RunOptions) -> Void = { _ in }
    ) throws -> ExecutionPlan {
        write("manifest.yaml", manifest)
        let loaded = try Manifest.load(path: path("manifest.yaml"), overrides: overrides)
        var options = RunOptions(
            batchSize: batchSize, ringCapacity: ringCapacity,
            pluginSearchPaths: extraPluginPaths + [Fixtures.productsDirectory])
        adjust(&options)
        return try Planner(manifest: loaded, options: options).plan()
    }

    public func run(
        _ manifest: String, overrides: [String] = [], extraPluginPaths: [String] = [], batchSize: Int = 1024,
        ringCapacity: Int = 64
    ) throws -> RunSummary {
        let plan = try plan(
            manifest, overrides: overrides, extraPluginPaths: extraPluginPaths, batchSize: batchSize,
            ringCapacity: ringCapacity)
        return try plan.run()
    }
}
