// PluginsCommand: `rivulet plugins inspect` (what a library offers) and `rivulet plugins build` (C plugins with cc).
import ArgumentParser
import Foundation
import RivuletPlugins

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "Inspect or build plugin libraries.",
        subcommands: [Inspect.self, Build.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a plugin and list its ABI version, operators, ports and config keys.")

        @Argument(help: "Path of the shared library (lib<name>.so).")
        var library: String

        func run() throws {
            let plugin: LoadedPlugin
            do { plugin = try PluginLoader().load(path: library) } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.invalid)
            }
            print(PluginReport.text(plugin), terminator: "")
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
