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
    public func plan(_ manifest: String, overrides: [String] = [], extraPluginPaths: [String] = [], batchSize: Int = 1024,
                     ringCapacity: Int = 64) throws -> ExecutionPlan {
        write("manifest.yaml", manifest)
        let loaded = try Manifest.load(path: path("manifest.yaml"), overrides: overrides)
        let options = RunOptions(batchSize: batchSize, ringCapacity: ringCapacity,
                                 pluginSearchPaths: extraPluginPaths + [Fixtures.productsDirectory])
        return try Planner(manifest: loaded, options: options).plan()
    }

    public func run(_ manifest: String, overrides: [String] = [], extraPluginPaths: [String] = [], batchSize: Int = 1024,
                    ringCapacity: Int = 64) throws -> RunSummary {
        let plan = try plan(manifest, overrides: overrides, extraPluginPaths: extraPluginPaths, batchSize: batchSize,
                            ringCapacity: ringCapacity)
        return try plan.run()
    }
}
