// CheckpointLocation: the path `rivulet checkpoints` is given: a checkpoint folder, one checkpoint, or a manifest.
import ArgumentParser
import Foundation
import RivuletManifest
import RivuletRuntime

struct CheckpointLocation: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "A checkpoint folder (the one holding chk-N/) or a manifest (its checkpoint.dir); for inspect also one checkpoint (chk-N/).",
            valueName: "path"))
    var path: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("With a manifest: override a manifest value first, e.g. checkpoint.dir=/data/chk.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    enum Resolved {
        /// A folder of checkpoints (`chk-N/`, `chk-N.inprogress/`).
        case directory(String)
        /// One checkpoint's folder.
        case checkpoint(String)
    }

    /// What `path` names: a folder called `chk-N` or `chk-N.inprogress`, or holding `_metadata`, is one
    /// checkpoint; another folder is a checkpoint folder; a file is a manifest, whose `checkpoint.dir` is
    /// used. Prints why and exits 1 when nothing is there, 2 when the manifest is invalid or has no
    /// `checkpoint` section.
    func resolve() throws -> Resolved {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            printError("rivulet: \(path): no such checkpoint folder, checkpoint or manifest")
            throw ExitCode(ExitStatus.failed)
        }
        if isFolder.boolValue {
            guard overrides.isEmpty else {
                printError("rivulet: --set applies to a manifest; \(path) is a folder")
                throw ExitCode(ExitStatus.invalid)
            }
            let folder = URL(fileURLWithPath: path).standardizedFileURL.path
            let name = (folder as NSString).lastPathComponent
            if Self.isCheckpointName(name) || FileManager.default.fileExists(atPath: folder + "/" + CheckpointStorage.metadataFile) {
                return .checkpoint(folder)
            }
            return .directory(folder)
        }
        let manifest: Manifest
        do { manifest = try Manifest.load(path: path, overrides: overrides) } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.invalid)
        }
        guard let checkpoint = manifest.checkpoint else {
            printError(
                "rivulet: \(path) has no checkpoint section, so it takes no checkpoints; pass the checkpoint folder, or --set checkpoint.dir=<folder>"
            )
            throw ExitCode(ExitStatus.invalid)
        }
        return .directory(checkpoint.directory)
    }

    /// `chk-N` or `chk-N.inprogress`.
    static func isCheckpointName(_ name: String) -> Bool {
        guard name.hasPrefix("chk-") else { return false }
        var digits = name.dropFirst(4)
        if digits.hasSuffix(".inprogress") { digits = digits.dropLast(".inprogress".count) }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
