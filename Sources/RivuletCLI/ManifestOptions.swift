// ManifestOptions: the options every manifest command shares, and loading + planning with clear errors.
import ArgumentParser
import Foundation
import RivuletManifest
import RivuletRuntime

struct ManifestOptions: ParsableArguments {
    @Argument(help: "The manifest (YAML) describing the topology.")
    var manifest: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a manifest value: PATH=VALUE, e.g. sources.payments.path=/data/today.csv.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(help: "Extra folders searched for plugins named by library (before the defaults).")
    var pluginPath: [String] = []

    @Option(parsing: .unconditional, help: Limit.batchSize.help("Records per batch"), transform: Limit.batchSize.option)
    var batchSize: Int = 1024

    @Option(parsing: .unconditional, help: Limit.ringCapacity.help("Batches each ring between tasks holds"), transform: Limit.ringCapacity.option)
    var ringCapacity: Int = 64

    var runOptions: RunOptions {
        var o = RunOptions(batchSize: batchSize, ringCapacity: ringCapacity)
        if !pluginPath.isEmpty {
            o.pluginSearchPaths = pluginPath + PluginSearch.defaults(manifest: manifest)
        }
        return o
    }

    /// Loads, validates and plans the manifest; prints its warnings, and every error and exits 2 when it cannot.
    /// `adjust` may change the options and the loaded manifest first (benchmarks).
    func plan(adjust: (inout RunOptions, inout Manifest) -> Void = { _, _ in }) throws -> ExecutionPlan {
        var loaded: Manifest
        do {
            loaded = try Manifest.load(path: manifest, overrides: overrides)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.invalid)
        }
        for warning in loaded.warnings { printError("\(warning)") }
        var options = runOptions
        adjust(&options, &loaded)
        do {
            return try Planner(manifest: loaded, options: options).plan()
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.invalid)
        }
    }
}

enum PluginSearch {
    static func defaults(manifest: String) -> [String] {
        RivuletRuntimeDefaults.pluginSearchPaths(
            manifestDirectory: (URL(fileURLWithPath: manifest).standardizedFileURL.deletingLastPathComponent().path))
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
