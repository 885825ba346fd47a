// CheckpointVerification: checks every file of a checkpoint folder against its `_metadata` and lists each problem.
import Foundation

/// The result of checking a `chk-N/` folder: its `_metadata` read and decoded, then every file it lists
/// present with its recorded size and — except RocksDB SSTs, which RocksDB checks itself — its FNV-1a
/// checksum. Unlike a restore, which stops at the first problem, it checks every file, so
/// `rivulet checkpoints inspect` can report all of them.
public struct CheckpointVerification: Sendable, Equatable, Encodable {
    /// One failed check: the file (relative to the checkpoint folder) and what is wrong with it.
    public struct Problem: Sendable, Equatable, Encodable, CustomStringConvertible {
        public var file: String
        public var problem: String
        public var description: String { "\(file) \(problem)" }
    }

    /// The decoded `_metadata` (nil when it is missing, unreadable or not valid).
    public var metadata: CheckpointMetadata?
    public var problems: [Problem] = []
    /// Files of `_metadata` found intact (size, and checksum where it has one).
    public var filesVerified = 0
    /// Of those, the ones checked by size only (RocksDB SSTs: no checksum recorded).
    public var filesVerifiedBySizeOnly = 0

    public var ok: Bool { metadata != nil && problems.isEmpty }

    enum CodingKeys: String, CodingKey {
        case ok, problems, filesVerified, filesVerifiedBySizeOnly
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(problems, forKey: .problems)
        try c.encode(filesVerified, forKey: .filesVerified)
        try c.encode(filesVerifiedBySizeOnly, forKey: .filesVerifiedBySizeOnly)
    }

    /// Checks the checkpoint in folder `path`.
    public static func verify(_ path: String) -> CheckpointVerification {
        var result = CheckpointVerification()
        let name = CheckpointStorage.metadataFile
        guard let data = FileManager.default.contents(atPath: "\(path)/\(name)") else {
            result.problems.append(Problem(file: name, problem: "is missing or unreadable"))
            return result
        }
        let metadata: CheckpointMetadata
        do { metadata = try JSONDecoder().decode(CheckpointMetadata.self, from: data) } catch {
            result.problems.append(Problem(file: name, problem: "is not valid checkpoint metadata (torn or damaged): \(error)"))
            return result
        }
        guard metadata.format == CheckpointMetadata.formatVersion else {
            result.problems.append(
                Problem(file: name, problem: "has format \(metadata.format); this build reads format \(CheckpointMetadata.formatVersion)"))
            return result
        }
        result.metadata = metadata
        for file in metadata.files {
            if let problem = check(file, in: path) {
                result.problems.append(Problem(file: file.path, problem: problem))
            } else {
                result.filesVerified += 1
                if file.checksum == nil { result.filesVerifiedBySizeOnly += 1 }
            }
        }
        return result
    }

    /// What is wrong with `file` in the checkpoint folder `path`, or nil when it is intact.
    private static func check(_ file: CheckpointMetadata.File, in path: String) -> String? {
        let full = "\(path)/\(file.path)"
        var s = stat()
        guard stat(full, &s) == 0 else { return "is missing" }
        guard Int64(s.st_size) == file.size else { return "has \(s.st_size) bytes, the metadata says \(file.size)" }
        guard let expected = file.checksum else { return nil }
        do {
            guard try CheckpointStorage.checksum(ofFile: full) == expected else { return "does not match its checksum" }
        } catch {
            return "could not be checked: \(error)"
        }
        return nil
    }
}
