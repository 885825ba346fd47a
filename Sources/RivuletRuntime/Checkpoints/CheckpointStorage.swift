// CheckpointStorage: the checkpoint folder: chk-N.inprogress written and fsynced, renamed to chk-N, verified, pruned.
import Foundation
import RivuletHashing

/// Lays out checkpoints in `directory`: checkpoint n is written into `chk-n.inprogress/`, every file
/// fsynced, then `_metadata` (sizes and checksums of every file) written and fsynced, and the folder
/// renamed to `chk-n/` (and the parent fsynced): a `chk-n/` folder is complete by construction, and
/// whatever a crash leaves behind is an `.inprogress` folder, ignored and removed. The newest `retain`
/// complete checkpoints are kept. Reading verifies every file against `_metadata`: a newest checkpoint
/// that does not verify is reported and the one before it is used.
public struct CheckpointStorage: Sendable {
    public let directory: String
    public let retain: Int

    public init(directory: String, retain: Int) {
        self.directory = directory
        self.retain = retain
    }

    public static let metadataFile = "_metadata"

    public func completePath(_ id: UInt64) -> String { "\(directory)/chk-\(id)" }
    public func inProgressPath(_ id: UInt64) -> String { "\(directory)/chk-\(id).inprogress" }

    /// Ids of the complete checkpoints (`chk-N/` folders), newest first.
    public func completeIDs() -> [UInt64] {
        ids(suffix: "").sorted(by: >)
    }

    /// The id after every checkpoint ever started here (complete or not), so ids never repeat.
    public func nextID() -> UInt64 {
        (ids(suffix: "") + ids(suffix: ".inprogress")).max().map { $0 + 1 } ?? 1
    }

    /// Ids of the `chk-N.inprogress/` folders (checkpoints being written, or left by a crash), newest first.
    public func inProgressIDs() -> [UInt64] {
        ids(suffix: ".inprogress").sorted(by: >)
    }

    private func ids(suffix: String) -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in
            guard name.hasPrefix("chk-"), name.hasSuffix(suffix) else { return nil }
            let digits = name.dropFirst(4).dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
            return UInt64(digits)
        }
    }

    /// Every checkpoint folder here — complete ones verified, `.inprogress` ones as they are — newest
    /// first (for one id, the complete folder before an in-progress one). Empty when the folder does not
    /// exist or holds none.
    public func list() -> [CheckpointSummary] {
        let folders = completeIDs().map { (id: $0, inProgress: false) } + inProgressIDs().map { (id: $0, inProgress: true) }
        return folders.sorted { $0.id != $1.id ? $0.id > $1.id : !$0.inProgress }.map { folder in
            CheckpointSummary(
                id: folder.id, path: folder.inProgress ? inProgressPath(folder.id) : completePath(folder.id), inProgress: folder.inProgress)
        }
    }

    /// Creates `chk-id.inprogress/` (empty), removing what a crash may have left there.
    public func begin(_ id: UInt64) throws -> String {
        let path = inProgressPath(id)
        try? FileManager.default.removeItem(atPath: path)
        try FileSync.createDirectories(path)
        return path
    }

    /// Creates the checkpoint folder if missing and checks it can be written (before a run starts).
    public func prepare() throws {
        do { try FileSync.createDirectories(directory) } catch { throw CheckpointFailure("checkpoint.dir: \(error)") }
    }

    /// Makes checkpoint `id` durable and complete: fsyncs every file, writes `_metadata` with their sizes
    /// and checksums (`files` lists the node each file belongs to), renames the folder, prunes old ones.
    public func complete(_ id: UInt64, metadata: CheckpointMetadata, owners: [String: String]) throws -> CheckpointMetadata {
        let path = inProgressPath(id)
        var metadata = metadata
        metadata.files = try FileSync.files(under: path).map { relative in
            let full = "\(path)/\(relative)"
            let size = try FileSync.fsyncFile(full)
            let checksum = relative.hasSuffix(".sst") ? nil : try Self.checksum(ofFile: full)
            return CheckpointMetadata.File(path: relative, size: size, checksum: checksum, node: owners[relative])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(metadata) } catch { throw CheckpointFailure("cannot encode the metadata: \(error)") }
        try FileSync.write(data, to: "\(path)/\(Self.metadataFile)")
        try FileSync.fsyncDirectories(under: path)
        let final = completePath(id)
        try? FileManager.default.removeItem(atPath: final)
        guard rename(path, final) == 0 else {
            throw CheckpointFailure("cannot rename \(path) to \(final): \(String(cString: strerror(errno)))")
        }
        try FileSync.fsyncDirectory(directory)
        prune(keepingNewest: retain)
        return metadata
    }

    /// Removes an abandoned checkpoint's folder.
    public func abandon(_ id: UInt64) {
        try? FileManager.default.removeItem(atPath: inProgressPath(id))
    }

    /// Removes complete checkpoints beyond the newest `count`, and every in-progress folder older than
    /// the newest complete checkpoint.
    /// Savepoints belong to the user: they are never removed here.
    func prune(keepingNewest count: Int) {
        let complete = completeIDs()
        for id in complete.dropFirst(count) where !isSavepoint(id) { try? FileManager.default.removeItem(atPath: completePath(id)) }
        if let newest = complete.first {
            for id in ids(suffix: ".inprogress") where id < newest { abandon(id) }
        }
    }

    /// Whether complete checkpoint `id` is a savepoint (taken by a stop), per its metadata.
    func isSavepoint(_ id: UInt64) -> Bool {
        guard let data = FileManager.default.contents(atPath: "\(completePath(id))/\(Self.metadataFile)"),
            let metadata = try? JSONDecoder().decode(CheckpointMetadata.self, from: data)
        else { return false }
        return metadata.savepoint
    }

    /// The newest complete checkpoint whose files all verify; each newer one that does not is reported
    /// through `report` and skipped. Nil when the folder holds no complete checkpoint; throws when it holds
    /// some and none is usable (starting afresh then would silently throw away the state they held).
    public func latest(report: (String) -> Void) throws -> RestorePoint? {
        let ids = completeIDs()
        for id in ids {
            do {
                return try load(completePath(id))
            } catch {
                report("checkpoint \(id) is not usable (\(error))\(id == ids.last ? "" : "; trying the one before it")")
            }
        }
        guard ids.isEmpty else {
            throw CheckpointFailure(
                "none of the \(ids.count) complete checkpoints in \(directory) is usable (see above): resume one explicitly with "
                    + "--from-checkpoint, or remove them (or the folder) to start afresh")
        }
        return nil
    }

    /// Complete checkpoints newer than `id` belong to a line of the run abandoned by restoring `id`: they
    /// are renamed `chk-N.abandoned` (no longer resumed, never pruned) so a later restart does not pick
    /// them. Returns their ids.
    public func setAside(newerThan id: UInt64) -> [UInt64] {
        var moved: [UInt64] = []
        for newer in completeIDs() where newer > id {
            let target = completePath(newer) + ".abandoned"
            try? FileManager.default.removeItem(atPath: target)
            if rename(completePath(newer), target) == 0 { moved.append(newer) }
        }
        if !moved.isEmpty { try? FileSync.fsyncDirectory(directory) }
        return moved.sorted()
    }

    /// The checkpoint in folder `path`, verified: every file of `_metadata` present with its size and checksum.
    public func load(_ path: String) throws -> RestorePoint {
        try Self.load(path)
    }

    public static func load(_ path: String) throws -> RestorePoint {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CheckpointFailure("\(path): no such checkpoint folder")
        }
        guard !path.hasSuffix(".inprogress") && !path.hasSuffix(".inprogress/") else {
            throw CheckpointFailure("\(path) is a checkpoint that never completed: it cannot be restored")
        }
        let verification = CheckpointVerification.verify(path)
        if let problem = verification.problems.first { throw CheckpointFailure("\(path)/\(problem)") }
        return RestorePoint(directory: path, metadata: verification.metadata!)
    }

    /// FNV-1a 64 of a file's bytes, in hex.
    public static func checksum(ofFile path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var hash = FNV1a.offsetBasis
        while true {
            let n = read(fd, buffer.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw CheckpointFailure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            hash = FNV1a.hash(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), basis: hash)
        }
        return String(hash, radix: 16)
    }
}

/// A checkpoint could not be written or read; the message says which file and why.
public struct CheckpointFailure: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
