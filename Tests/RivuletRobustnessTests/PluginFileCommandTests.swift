// PluginFileCommandTests: a FIFO or a folder as a plugin path is an error, never a hang (`plugins inspect`, `validate`).
import Foundation
import RivuletTestSupport
import Testing

@Suite struct PluginFileCommandTests {
    /// A folder holding a FIFO `libpipe.so`, a folder `libdir.so`, and a manifest using `plugin` by path.
    static func folder(plugin: String) -> (folder: String, manifest: String) {
        let folder = Fixtures.temporaryDirectory("rivulet-plugin-files")
        #expect(mkfifo(folder + "/libpipe.so", 0o644) == 0)
        try? FileManager.default.createDirectory(atPath: folder + "/libdir.so", withIntermediateDirectories: false)
        Fixtures.write(
            """
            plugins:
              p: { path: \(plugin) }
            sources:
              gen: { type: generator, count: 10 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """, to: folder + "/m.yaml")
        return (folder, folder + "/m.yaml")
    }

    @Test(arguments: [
        ("libpipe.so", "is a FIFO (named pipe), not a shared library file"),
        ("libdir.so", "is a folder, not a shared library file"),
        ("libnothing.so", "no such file"),
    ])
    func pluginsInspectSaysWhatIsThere(_ name: String, _ expected: String) throws {
        let (folder, _) = Self.folder(plugin: name)
        let result = try RivuletProcess.run(["plugins", "inspect", folder + "/" + name], deadline: 10)
        #expect(!result.timedOut && !result.signaled, "\(result.ending)")
        #expect(result.status == 2, "\(result.ending)\n\(result.stderr)")
        #expect(result.stderr.contains("plugin \(folder)/\(name): \(expected)"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("libpipe.so", "is a FIFO (named pipe), not a shared library file"),
        ("libdir.so", "is a folder, not a shared library file"),
    ])
    func validateSaysWhatIsThereAtThePluginsLine(_ name: String, _ expected: String) throws {
        let (folder, manifest) = Self.folder(plugin: name)
        let result = try RivuletProcess.run(["validate", manifest], deadline: 10)
        #expect(!result.timedOut && !result.signaled, "\(result.ending)")
        #expect(result.status == 2, "\(result.ending)\n\(result.stderr)")
        #expect(result.stderr.contains("m.yaml:2:3: error: plugin \(folder)/\(name): \(expected)"), "\(result.stderr)")
    }
}
