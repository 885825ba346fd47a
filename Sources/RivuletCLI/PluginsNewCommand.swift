// PluginsNewCommand: `rivulet plugins new <name> --lang c|swift` writes a plugin skeleton that builds as-is.
import ArgumentParser
import Foundation
import RivuletPlugins

extension PluginsCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new plugin in folder <name>: an operator that builds as-is, a manifest, an input and its expected output.")

        enum Language: String, ExpressibleByArgument, CaseIterable {
            case c, swift
        }

        @Argument(help: "The plugin's name: lower-case letters, digits and '_' (the library is lib<name>.so).")
        var name: String

        @Option(help: "The language: c (a file, built with `rivulet plugins build`) or swift (a package on the SDK).")
        var lang: Language

        @Option(help: "The folder of the Swift SDK package RivuletPluginKit (default: found from the rivulet binary).")
        var sdk: String?

        func run() throws {
            guard PluginTemplate.isValidName(name) else {
                printError("rivulet: plugin name '\(name)' is not valid: use lower-case letters, digits and '_', starting with a letter")
                throw ExitCode(ExitStatus.invalid)
            }
            let folder = name
            guard !FileManager.default.fileExists(atPath: folder) else {
                printError("rivulet: \(folder) already exists: choose another name or remove it")
                throw ExitCode(ExitStatus.invalid)
            }
            let template = PluginTemplate(name: name)
            var files: [(String, String)] = [("input.csv", PluginTemplate.input), ("expected-output.csv", PluginTemplate.expectedOutput)]
            switch lang {
            case .c:
                files += [
                    ("\(name).c", template.cSource), ("README.md", template.cReadme),
                    ("manifest.yaml", template.manifest(library: "path: ./lib\(name).so")),
                ]
            case .swift:
                guard let sdk = sdk.map({ URL(fileURLWithPath: $0).standardizedFileURL.path }) ?? Self.findSDK() else {
                    printError("rivulet: cannot find the Swift SDK package (RivuletPluginKit); pass --sdk <folder>")
                    throw ExitCode(ExitStatus.invalid)
                }
                files += [
                    ("Package.swift", template.swiftPackage(sdk: sdk)),
                    ("Sources/\(template.swiftTypeName)/\(template.swiftTypeName).swift", template.swiftSource),
                    ("README.md", template.swiftReadme), ("manifest.yaml", template.manifest(library: "path: .build/debug/lib\(name).so")),
                ]
            }
            do {
                for (file, text) in files {
                    let path = folder + "/" + file
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try text.write(toFile: path, atomically: true, encoding: .utf8)
                }
            } catch {
                printError("rivulet: cannot write \(folder): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.failed)
            }
            print("wrote \(folder)/: \(files.map(\.0).sorted().joined(separator: ", "))")
            print("then:")
            print("  cd \(folder)")
            print(lang == .c ? "  rivulet plugins build \(name).c -o lib\(name).so" : "  swift build")
            print("  rivulet run manifest.yaml && diff output.csv expected-output.csv")
        }

        /// RivuletPluginKit beside the checkout the binary was built in (or an installed copy's share folder).
        static func findSDK() -> String? {
            var url = URL(fileURLWithPath: Bundle.main.bundlePath).standardizedFileURL
            while true {
                for candidate in ["RivuletPluginKit", "share/rivulet/RivuletPluginKit"] {
                    let folder = url.appendingPathComponent(candidate)
                    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder.path }
                }
                let parent = url.deletingLastPathComponent()
                if parent.path == url.path { return nil }
                url = parent
            }
        }
    }
}
