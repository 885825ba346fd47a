// PluginsCommand: `rivulet plugins inspect` / `list` (what plugins offer) and `rivulet plugins build` (C plugins with cc).
import ArgumentParser
import Foundation
import RivuletPlugins

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "Inspect or build plugin libraries.",
        subcommands: [Inspect.self, List.self, New.self, Build.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a plugin and list its ABI version, operators, ports and config keys.")

        @Argument(help: "A library name as a manifest writes it (rv_std_c: lib<name>.so on the plugin search path) or a path.")
        var library: String

        @Option(help: "Extra folders searched for plugins named by library (before the defaults).")
        var pluginPath: [String] = []

        func run() throws {
            let plugin: LoadedPlugin
            do {
                let path = library.contains("/") ? library : try PluginSearch.loader(extra: pluginPath).resolve(library: library)
                plugin = try PluginLoader().load(path: path)
            } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.invalid)
            }
            print(PluginReport.text(plugin), terminator: "")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every plugin on the plugin search path (as `run` searches it from this folder), with its operators.")

        @Option(help: "Extra folders searched for plugins named by library (before the defaults).")
        var pluginPath: [String] = []

        func run() throws {
            let loader = PluginSearch.loader(extra: pluginPath)
            print("plugin search path: \(loader.searchPaths.joined(separator: ":"))")
            var found = 0
            for (file, result) in PluginSearch.libraries(on: loader) {
                switch result {
                case .success(let plugin):
                    found += 1
                    print(PluginReport.summary(plugin))
                case .failure(let error):
                    // A file that is not a Rivulet plugin at all is not worth a line; a broken plugin is.
                    if case .entrySymbolMissing = error { continue }
                    found += 1
                    print("\(file): cannot be loaded: \(error)")
                }
            }
            if found == 0 { print("no plugins found") }
        }
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile C plugin sources into a shared library with the plain C compiler (links only libc).")

        @Argument(help: "C source files.")
        var sources: [String]

        @Option(name: .shortAndLong, help: "The library to write, e.g. libmyplugin.so.")
        var output: String

        @Option(help: "The folder holding rivulet.h (default: found from the rivulet binary's checkout).")
        var include: String?

        @Option(name: .customShort("I"), help: "More include folders.")
        var includes: [String] = []

        func run() throws {
            guard
                let header = include ?? CPluginBuilder.findIncludeDirectory(from: Bundle.main.bundlePath)
                    ?? CPluginBuilder.findIncludeDirectory(from: FileManager.default.currentDirectoryPath)
            else {
                printError("rivulet: cannot find rivulet.h; pass --include <folder>")
                throw ExitCode(ExitStatus.invalid)
            }
            let builder = CPluginBuilder(includeDirectory: header)
            do {
                try builder.build(sources: sources, output: output, extraFlags: includes.flatMap { ["-I", $0] })
            } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.failed)
            }
            print("built \(output)")
        }
    }
}

enum PluginReport {
    static func typeName(_ t: UInt32) -> String {
        ["null", "i64", "f64", "bool", "string", "bytes", "timestamp"][Int(min(t, 6))]
    }

    /// One plugin in a line or two: name, version, file, then what it offers.
    static func summary(_ plugin: LoadedPlugin) -> String {
        var parts: [String] = []
        if !plugin.operators.isEmpty { parts.append("operators: \(plugin.operators.map(\.name).joined(separator: ", "))") }
        if !plugin.aggregates.isEmpty { parts.append("aggregates: \(plugin.aggregates.map(\.name).joined(separator: ", "))") }
        if !plugin.functions.isEmpty { parts.append("functions: \(plugin.functions.map(\.name).joined(separator: ", "))") }
        return "\(plugin.name) \(plugin.version) (\(plugin.path))\n  " + (parts.isEmpty ? "offers nothing" : parts.joined(separator: "; "))
    }

    static func text(_ plugin: LoadedPlugin) -> String {
        var out = "\(plugin.name) \(plugin.version) — \(plugin.description)\n"
        out += "file: \(plugin.path)\nABI: \(plugin.abiMajor).\(plugin.minHostMinor) or newer (min_host_minor \(plugin.minHostMinor))\n"
        for op in plugin.operators {
            out += "\noperator \(op.name)\(op.flags & 1 != 0 ? " (stateless)" : ""): \(op.description)\n"
            out += "  inputs:  \(op.inputs.joined(separator: ", "))\n"
            out += "  outputs: \((op.outputs + ["errors"]).joined(separator: ", "))\n"
            for key in op.configKeys {
                out += "  config \(key.name) (\(typeName(key.type))\(key.required ? ", required" : "")): \(key.description)\n"
            }
        }
        for agg in plugin.aggregates { out += "\naggregate \(agg.name): \(agg.description)\n" }
        for fn in plugin.functions {
            out += "\nfunction \(fn.name)(\(fn.argTypes.map(typeName).joined(separator: ", "))) -> \(typeName(fn.resultType)): \(fn.description)\n"
        }
        return out
    }
}
