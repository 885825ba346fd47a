// ManifestOptions: the options every manifest command shares, and loading + planning with clear errors.
import ArgumentParser
import Foundation
import RivuletManifest
import RivuletPlugins
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

    /// The search path of a command without a manifest: `extra`, then `run`'s defaults with the current
    /// folder where the manifest's would be.
    static func loader(extra: [String]) -> PluginLoader {
        let defaults = RivuletRuntimeDefaults.pluginSearchPaths(manifestDirectory: FileManager.default.currentDirectoryPath)
        var seen = Set<String>()
        return PluginLoader(searchPaths: (extra + defaults).filter { seen.insert($0).inserted })
    }

    /// Every `lib*.so` in the folders of `loader`'s search path, in order (a name found twice: the first,
    /// as `run` would load it), each loaded or with why it cannot be.
    static func libraries(on loader: PluginLoader) -> [(file: String, result: Result<LoadedPlugin, PluginLoadError>)] {
        var seen = Set<String>()
        var result: [(String, Result<LoadedPlugin, PluginLoadError>)] = []
        for folder in loader.searchPaths {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix("lib") && $0.hasSuffix(".so") }
            for name in names.sorted() where seen.insert(name).inserted {
                let path = (folder as NSString).appendingPathComponent(name)
                do throws(PluginLoadError) {
                    result.append((path, .success(try PluginLoader().load(path: path))))
                } catch {
                    result.append((path, .failure(error)))
                }
            }
        }
        return result
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
