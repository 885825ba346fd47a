// CheckpointsCommand: `rivulet checkpoints list` (every checkpoint, verified) and `inspect` (one in detail).
import ArgumentParser
import Foundation
import RivuletRuntime

struct CheckpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoints", abstract: "List the checkpoints of a checkpoint folder or manifest, or inspect one.",
        subcommands: [List.self, Inspect.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per checkpoint, newest first: folder, time, size, files, state.",
            discussion: """
                Every complete checkpoint is verified (each file's size and checksum against its _metadata, so every file is read). \
                State: complete, final (the run's last), savepoint (taken at a stop), in progress (a .inprogress folder: being \
                written, or left by a crash), or damaged: <the first failed check>. Size and files: the files in the folder, \
                _metadata not counted. Exit status: 0 listed (damaged ones included); 1 the folder does not exist or holds no \
                checkpoint; 2 the manifest is invalid or takes no checkpoints.
                """)

        @OptionGroup var location: CheckpointLocation

        @Flag(help: "Print the list as JSON.")
        var json = false

        func run() throws {
            let directory: String
            switch try location.resolve() {
            case .directory(let d): directory = d
            case .checkpoint(let c):
                printError("rivulet: \(c) is one checkpoint; list its parent folder, or inspect it: rivulet checkpoints inspect \(c)")
                throw ExitCode(ExitStatus.invalid)
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
                printError("rivulet: no checkpoints: the checkpoint folder \(directory) does not exist")
                throw ExitCode(ExitStatus.failed)
            }
            let summaries = CheckpointStorage(directory: directory, retain: .max).list()
            print(json ? try CheckpointText.json(summaries) : CheckpointText.list(summaries), terminator: json ? "\n" : "")
            guard !summaries.isEmpty else {
                printError("rivulet: no checkpoints in \(directory)")
                throw ExitCode(ExitStatus.failed)
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one checkpoint's metadata, where its bytes are, and verify every file.",
            discussion: """
                PATH is a checkpoint (chk-N/), or a checkpoint folder or manifest with --id N (without --id: its newest complete \
                checkpoint). Exit status: 0 every file verified; 1 a check failed, the checkpoint is in progress, or there is no \
                such checkpoint; 2 the manifest is invalid or takes no checkpoints.
                """)

        @OptionGroup var location: CheckpointLocation

        @Option(help: "The checkpoint's id, when PATH is a checkpoint folder or a manifest.")
        var id: UInt64?

        @Flag(help: "Print the metadata, the verification and the sizes as JSON.")
        var json = false

        func run() throws {
            let folder = try checkpointFolder()
            let inspection = CheckpointInspection(path: folder)
            print(json ? try CheckpointText.json(inspection) : CheckpointText.inspect(inspection), terminator: json ? "\n" : "")
            if !inspection.verification.ok || inspection.inProgress { throw ExitCode(ExitStatus.failed) }
        }

        private func checkpointFolder() throws -> String {
            switch try location.resolve() {
            case .checkpoint(let folder):
                guard id == nil else {
                    printError("rivulet: \(folder) is one checkpoint already; --id picks one of a checkpoint folder or manifest")
                    throw ExitCode(ExitStatus.invalid)
                }
                return folder
            case .directory(let directory):
                let storage = CheckpointStorage(directory: directory, retain: .max)
                if let id {
                    for candidate in [storage.completePath(id), storage.inProgressPath(id)] where FileManager.default.fileExists(atPath: candidate) {
                        return candidate
                    }
                    let present = storage.list().map { ($0.path as NSString).lastPathComponent }
                    printError(
                        "rivulet: no checkpoint \(id) in \(directory)"
                            + (present.isEmpty ? " (it holds none)" : " (it holds \(present.joined(separator: ", ")))"))
                    throw ExitCode(ExitStatus.failed)
                }
                guard let newest = storage.completeIDs().first else {
                    printError("rivulet: no complete checkpoint in \(directory)")
                    throw ExitCode(ExitStatus.failed)
                }
                return storage.completePath(newest)
            }
        }
    }
}
