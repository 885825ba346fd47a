// PathClashTests: a sink that would overwrite an input, another sink's file or the dead letters is refused at its path.
import Foundation
import Testing

@testable import RivuletManifest

@Suite struct PathClashTests {
    /// A folder with `in.csv` and a manifest `m.yaml` written by the test; removed by the caller.
    static func folder() throws -> String {
        let folder = PathResolver.normalized(NSTemporaryDirectory() + "rivulet-path-clash-" + UUID().uuidString)
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        try "a,b\n1,2\n".write(toFile: folder + "/in.csv", atomically: true, encoding: .utf8)
        return folder
    }

    /// The errors of loading `yaml` written as `folder/m.yaml`, as "line:column: message".
    static func errors(_ yaml: String, in folder: String, _ overrides: [String] = []) -> [String] {
        do {
            try yaml.write(toFile: folder + "/m.yaml", atomically: true, encoding: .utf8)
        } catch {
            return ["cannot write the manifest: \(error)"]
        }
        do {
            _ = try Manifest.load(path: folder + "/m.yaml", overrides: overrides)
            return []
        } catch {
            return error.errors.map { e in
                guard let l = e.location else { return e.message }
                return l.file == folder + "/m.yaml" ? "\(l.line):\(l.column): \(e.message)" : "\(l): \(e.message)"
            }
        }
    }

    static func manifest(sink: String, dead: String = "", source: String = "in.csv") -> String {
        """
        sources:
          s: { type: file, path: \(source) }
        sinks:
          out: { type: file, path: \(sink) }
          other: { type: file, path: other.csv }
        edges: [s -> out, s -> other]
        \(dead)
        """
    }

    @Test(arguments: ["in.csv", "./in.csv", "sub/../in.csv", "sub/./../in.csv"])
    func aSinkOnItsSourceIsRefused(_ spelling: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(
            Self.errors(Self.manifest(sink: spelling), in: folder) == [
                "4:28: sink 'out' would overwrite \(folder)/in.csv, which source 's' reads (line 2): write to another file"
            ])
        // Nothing was written: the input is intact.
        #expect(try String(contentsOfFile: folder + "/in.csv", encoding: .utf8) == "a,b\n1,2\n")
    }

    @Test func theSameFileThroughASymbolicLinkOrAHardLinkIsRefused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.csv", withDestinationPath: "in.csv")
        try FileManager.default.linkItem(atPath: folder + "/in.csv", toPath: folder + "/hard.csv")
        try FileManager.default.createSymbolicLink(atPath: folder + "/linked-folder", withDestinationPath: folder + "/sub")
        #expect(
            Self.errors(Self.manifest(sink: "link.csv"), in: folder) == [
                "4:28: sink 'out' would overwrite \(folder)/link.csv (the same file as \(folder)/in.csv), which source 's' reads (line 2): write to another file"
            ])
        #expect(
            Self.errors(Self.manifest(sink: "hard.csv"), in: folder) == [
                "4:28: sink 'out' would overwrite \(folder)/hard.csv (the same file as \(folder)/in.csv), which source 's' reads (line 2): write to another file"
            ])
        // Files not created yet: the same folder reached two ways.
        #expect(
            Self.errors(Self.manifest(sink: "linked-folder/new.csv", dead: "dead_letters: { type: file, path: sub/new.csv }"), in: folder) == [
                "7:35: dead_letters writes \(folder)/sub/new.csv (the same file as \(folder)/linked-folder/new.csv), which sink 'out' also writes (line 4): give each output its own file"
            ])
        // A dangling link: the file it will create is where it points.
        try FileManager.default.createSymbolicLink(atPath: folder + "/later.csv", withDestinationPath: "sub/made-later.csv")
        #expect(
            Self.errors(Self.manifest(sink: "later.csv", dead: "dead_letters: { type: file, path: sub/made-later.csv }"), in: folder) == [
                "7:35: dead_letters writes \(folder)/sub/made-later.csv (the same file as \(folder)/later.csv), which sink 'out' also writes (line 4): give each output its own file"
            ])
    }

    @Test func twoSinksOrASinkAndTheDeadLettersOnOneFileAreRefused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(
            Self.errors(Self.manifest(sink: "other.csv"), in: folder) == [
                "5:30: sink 'other' writes \(folder)/other.csv, which sink 'out' also writes (line 4): give each output its own file"
            ])
        #expect(
            Self.errors(Self.manifest(sink: "out.csv", dead: "dead_letters: { type: file, path: ./out.csv }"), in: folder) == [
                "7:35: dead_letters writes \(folder)/out.csv, which sink 'out' also writes (line 4): give each output its own file"
            ])
        #expect(
            Self.errors(Self.manifest(sink: "out.csv", dead: "dead_letters: { type: file, path: in.csv }"), in: folder) == [
                "7:35: dead_letters would overwrite \(folder)/in.csv, which source 's' reads (line 2): write to another file"
            ])
    }

    @Test func aSinkOnTheManifestItselfIsRefused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(
            Self.errors(Self.manifest(sink: "m.yaml"), in: folder) == [
                "4:28: sink 'out' would overwrite \(folder)/m.yaml, the manifest itself: write to another file"
            ])
    }

    @Test func anOverrideThatCreatesAClashIsRefusedAtTheOverride() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(
            Self.errors(Self.manifest(sink: "out.csv"), in: folder, ["sinks.other.path=in.csv"]) == [
                "--set sinks.other.path:1:1: sink 'other' would overwrite \(folder)/in.csv, which source 's' reads (line 2): write to another file"
            ])
        #expect(
            Self.errors(Self.manifest(sink: "out.csv"), in: folder, ["sources.s.path=other.csv"]) == [
                "5:30: sink 'other' would overwrite \(folder)/other.csv, which source 's' reads (--set sources.s.path): write to another file"
            ])
    }

    @Test func devicesNullSinksAndDistinctFilesAreFine() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.errors(Self.manifest(sink: "/dev/null", dead: "dead_letters: { type: file, path: /dev/null }"), in: folder) == [])
        #expect(Self.errors(Self.manifest(sink: "out.csv", dead: "dead_letters: { type: null, path: in.csv }"), in: folder) == [])
        #expect(Self.errors(Self.manifest(sink: "sub/in.csv"), in: folder) == [])
    }
}
