// PluginsCommandTests: `rivulet plugins new` skeletons build as printed and run; `list` and `inspect <name>` search like `run`; the ABI doc's C example builds.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct PluginsCommandTests {
    static let expectedOutput = "id,status,amount\n1,paid,20\n3,paid,7\n"

    /// Runs `rivulet` in `folder`; fails the test (with stderr) when the status is not `status`.
    @discardableResult
    static func rivulet(_ arguments: [String], in folder: String, status: Int32 = 0) throws -> RivuletProcess {
        let result = try RivuletProcess.run(arguments, deadline: 300, in: folder)
        #expect(result.status == status, "rivulet \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    /// The commands `new` prints after "then:", each a line starting with two spaces.
    static func printedCommands(_ stdout: String) -> [[String]] {
        stdout.split(separator: "\n").drop { !$0.hasPrefix("then:") }.dropFirst().map {
            $0.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
        }
    }

    /// A C plugin from `new`: built with exactly the printed `rivulet plugins build` line, its manifest
    /// run, the output equal to the expected file it came with; `inspect` by name and `list` find it.
    @Test func aNewCPluginBuildsAsPrintedAndRuns() throws {
        let root = Fixtures.temporaryDirectory("rivulet-new-c")
        let made = try Self.rivulet(["plugins", "new", "paid_only", "--lang", "c"], in: root)
        let commands = Self.printedCommands(made.stdout)
        #expect(commands.count == 3, "\(made.stdout)")
        guard commands.count == 3, commands[0] == ["cd", "paid_only"], commands[1].first == "rivulet" else { return }
        let folder = root + "/paid_only"
        try Self.rivulet(Array(commands[1].dropFirst()), in: folder)
        try Self.rivulet(["run", "manifest.yaml", "--quiet"], in: folder)
        #expect(Fixtures.read(folder + "/output.csv") == Self.expectedOutput)
        #expect(Fixtures.read(folder + "/expected-output.csv") == Self.expectedOutput)

        let inspected = try Self.rivulet(["plugins", "inspect", "paid_only", "--plugin-path", folder], in: root)
        #expect(inspected.stdout.contains("operator paid_only (stateless): Keeps the records whose field equals a value"))
        #expect(inspected.stdout.contains("config value (string, required)"))
        Fixtures.write("not a library", to: folder + "/libbroken.so")
        let listed = try Self.rivulet(["plugins", "list", "--plugin-path", folder], in: root)
        #expect(listed.stdout.contains("paid_only 0.1.0 (\(folder)/libpaid_only.so)\n  operators: paid_only"), "\(listed.stdout)")
        #expect(listed.stdout.contains("rv_std_c 1.0.0"), "the shipped plugins beside the binary: \(listed.stdout)")
        #expect(listed.stdout.contains("\(folder)/libbroken.so: cannot be loaded"), "\(listed.stdout)")
        // A second `new` with the same name does not overwrite it.
        try Self.rivulet(["plugins", "new", "paid_only", "--lang", "c"], in: root, status: 2)
        try Self.rivulet(["plugins", "new", "Bad-Name", "--lang", "c"], in: root, status: 2)
    }

    /// A Swift plugin from `new`: a package on the SDK alone; `swift build` as printed, then the same run.
    @Test func aNewSwiftPluginBuildsAsPrintedAndRuns() throws {
        let root = Fixtures.temporaryDirectory("rivulet-new-swift")
        let made = try Self.rivulet(["plugins", "new", "paid_swift", "--lang", "swift"], in: root)
        let commands = Self.printedCommands(made.stdout)
        #expect(commands.count == 3 && commands[1] == ["swift", "build"], "\(made.stdout)")
        let folder = root + "/paid_swift"
        try SwiftPluginPackage.swift(["build"], in: folder)
        try Self.rivulet(["run", "manifest.yaml", "--quiet"], in: folder)
        #expect(Fixtures.read(folder + "/output.csv") == Self.expectedOutput)
    }

    /// docs/ABI.md's C plugin, as printed, builds with both printed commands (`rivulet plugins build`, and
    /// `cc` with the header's folder for `include`), and loads.
    @Test func theABIDocsCExampleBuildsAsPrinted() throws {
        let doc = Fixtures.read(Fixtures.repositoryRoot + "/docs/ABI.md")
        let section = try #require(doc.range(of: "## A C plugin\n\n```c\n"))
        let end = try #require(doc.range(of: "```\n", range: section.upperBound..<doc.endIndex))
        let folder = Fixtures.temporaryDirectory("rivulet-abi-example")
        Fixtures.write(String(doc[section.upperBound..<end.lowerBound]), to: folder + "/my_plugin.c")
        let build = try #require(doc.range(of: "rivulet plugins build my_plugin.c -o libmy_plugin.so"))
        #expect(build.lowerBound > end.upperBound)
        try Self.rivulet(["plugins", "build", "my_plugin.c", "-o", "libmy_plugin.so"], in: folder)
        let inspected = try Self.rivulet(["plugins", "inspect", "./libmy_plugin.so"], in: folder)
        #expect(inspected.stdout.contains("operator my_op"))
        let line = try #require(doc.split(separator: "\n").first { $0.hasPrefix("cc -std=c11") })
        let cc = line.prefix { $0 != "#" }.split(separator: " ").map(String.init)
            .map { $0 == "include" ? Fixtures.includeDirectory : $0 }.map { $0 == "libmy_plugin.so" ? "libby_hand.so" : $0 }
        _ = try SwiftPluginPackage.run("cc", Array(cc.dropFirst()), in: folder)
        #expect(try Self.rivulet(["plugins", "inspect", "./libby_hand.so"], in: folder).stdout.contains("operator my_op"))
    }
}
