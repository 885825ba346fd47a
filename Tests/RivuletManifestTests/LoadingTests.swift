// LoadingTests: loading from disk, unreadable files, and how errors are ordered and rendered.
import Foundation
import Testing

@testable import RivuletManifest

@Suite struct LoadingTests {
    /// A fresh folder under the system's temporary folder.
    func scratchFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "rivulet-manifest-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/jobs", withIntermediateDirectories: true)
        return folder
    }

    @Test func loadResolvesPathsAgainstTheManifestFolder() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let yaml = "sources:\n  s: { type: file, path: in.csv }\nsinks:\n  o: { type: file, path: ../out.jsonl }\nedges: [s -> o]\n"
        try yaml.write(toFile: folder + "/jobs/daily.yml", atomically: true, encoding: .utf8)
        let manifest = try Manifest.load(path: folder + "/jobs/./daily.yml")
        let root = PathResolver.normalized(folder)
        #expect(manifest.name == "daily")
        #expect(manifest.file == root + "/jobs/daily.yml")
        #expect(manifest.directory == root + "/jobs")
        #expect(manifest.sources[0].kind == .file(path: root + "/jobs/in.csv"))
        #expect(manifest.sinks[0].kind == .file(path: root + "/out.jsonl"))
        #expect(manifest.sinks[0].format == .jsonl)
    }

    @Test func loadLocatesErrorsInThePathAsGiven() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "sources:\n  s: { type: generator, count: 1 }\nsinks:\n  out: { type: null }\nedges:\n  - s -> nowhere\n"
            .write(toFile: folder + "/m.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try Manifest.load(path: folder + "/m.yaml", overrides: ["sinks.out.type=nil"])
            Issue.record("expected errors")
        } catch {
            #expect(
                error.description == """
                    --set sinks.out.type:1:1: error: unknown sink type 'nil' (expected one of: file, stdout, null, kafka)
                    \(folder)/m.yaml:4:3: error: sink 'out' has no input: add an edge '… -> out'
                    \(folder)/m.yaml:6:5: error: edge 's.out -> nowhere.in': no node named 'nowhere'
                    """)
        }
    }

    @Test func unreadableManifests() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: ManifestErrors.self) { try Manifest.load(path: folder + "/missing.yaml") }
        do {
            _ = try Manifest.load(path: folder + "/missing.yaml")
        } catch {
            #expect(error.errors == [ManifestError(nil, "cannot read manifest '\(folder)/missing.yaml': no such file")])
            #expect(error.description == "error: cannot read manifest '\(folder)/missing.yaml': no such file")
        }
        do {
            _ = try Manifest.load(path: folder + "/jobs")
        } catch {
            #expect(error.errors.map(\.message) == ["cannot read manifest '\(folder)/jobs': it is a folder"])
        }
        try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: folder + "/binary.yaml"))
        do {
            _ = try Manifest.load(path: folder + "/binary.yaml")
        } catch {
            #expect(error.errors.map(\.message) == ["cannot read manifest '\(folder)/binary.yaml': it is not UTF-8 text"])
        }
    }

    @Test func errorDescriptionsAndOrdering() {
        let a = RivuletManifest.SourceLocation(file: "m.yaml", line: 3, column: 7)
        #expect(a.description == "m.yaml:3:7")
        #expect(ManifestError(a, "bad").description == "m.yaml:3:7: error: bad")
        #expect(ManifestError(location: nil, message: "bad").description == "error: bad")
        let errors = ManifestErrors([
            ManifestError(RivuletManifest.SourceLocation(file: "m.yaml", line: 9, column: 1), "last"),
            ManifestError(RivuletManifest.SourceLocation(file: "m.yaml", line: 3, column: 9), "third"),
            ManifestError(RivuletManifest.SourceLocation(file: "--set x", line: 1, column: 1), "override"),
            ManifestError(RivuletManifest.SourceLocation(file: "m.yaml", line: 3, column: 2), "second"),
            ManifestError(nil, "unlocated"),
            ManifestError(RivuletManifest.SourceLocation(file: "m.yaml", line: 3, column: 9), "fourth"),
        ])
        #expect(errors.errors.map(\.message) == ["unlocated", "override", "second", "third", "fourth", "last"])
        #expect(errors.description.split(separator: "\n").count == 6)
    }
}
