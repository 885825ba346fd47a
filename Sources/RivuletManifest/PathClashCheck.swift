// PathClashCheck: refuses a manifest whose outputs would overwrite its own inputs or each other.
import Foundation

/// Finds every file a manifest writes (file sinks, `dead_letters`) that is also a file it reads (file
/// sources, plugins given by path, the manifest itself) or that another output writes. Running such a
/// topology truncates the input before reading it, or interleaves two writers in one file; so it is an
/// error at validation, located at the path of the output at fault.
///
/// Files are compared as the file system sees them, not as written: an existing file by device and inode
/// (so `./x`, `x`, `a/../x`, a symbolic link to it and a hard link all match), a file not created yet by
/// the real path of its folder plus its name (a dangling symbolic link by where it points). Paths that
/// exist but are not regular files (`/dev/null`, a FIFO, a folder) are not compared: writing to them
/// destroys nothing.
enum PathClashCheck {
    /// A file the manifest names: who names it (`sink 'out'`), its absolute path, where the path is
    /// written, and whether it is written (else read).
    typealias Use = (what: String, path: String, location: SourceLocation, writes: Bool)

    /// One error per output that shares its file with an input or with an earlier output.
    static func errors(_ uses: [Use]) -> [ManifestError] {
        let identities = uses.map { identity(of: $0.path) }
        var errors: [ManifestError] = []
        for (i, use) in uses.enumerated() where use.writes {
            guard let id = identities[i] else { continue }
            let same = uses.indices.filter { $0 != i && identities[$0] == id }
            if let reader = same.first(where: { !uses[$0].writes }) {
                let other = uses[reader]
                let whose = other.what == "the manifest" ? "the manifest itself" : "which \(other.what) reads (\(place(other)))"
                errors.append(ManifestError(use.location, "\(use.what) would overwrite \(file(use, other)), \(whose): write to another file"))
            } else if let writer = same.first(where: { $0 < i }) {
                let other = uses[writer]
                errors.append(
                    ManifestError(
                        use.location,
                        "\(use.what) writes \(file(use, other)), which \(other.what) also writes (\(place(other))): give each output its own file"))
            }
        }
        return errors
    }

    /// `use`'s path, and the other's when it is spelled differently (`./out.csv` vs a symbolic link).
    private static func file(_ use: Use, _ other: Use) -> String {
        use.path == other.path ? use.path : "\(use.path) (the same file as \(other.path))"
    }

    /// "line 4", or the override that wrote the path.
    private static func place(_ use: Use) -> String {
        use.location.file.hasPrefix("--set ") ? use.location.file : "line \(use.location.line)"
    }

    /// What identifies the file at `path`: "inode DEV:INO" when it exists as a regular file, "path REAL"
    /// when it does not exist yet, nil when it is something else (a folder, a device, a FIFO).
    static func identity(of path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 {
            return info.st_mode & S_IFMT == S_IFREG ? "inode \(info.st_dev):\(info.st_ino)" : nil
        }
        return "path " + canonical(path, hops: 0)
    }

    /// `path` with every existing folder on it resolved (symbolic links, `.`, `..`), and the rest as written.
    private static func canonical(_ path: String, hops: Int) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var info = stat()
        if hops < 40, lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path)
        {
            // A dangling link: the file it will create is where it points.
            return canonical(PathResolver.absolute(target, relativeTo: PathResolver.directory(of: path)), hops: hops + 1)
        }
        let folder = PathResolver.directory(of: path)
        guard folder != path, let name = path.split(separator: "/").last else { return path }
        let base = canonical(folder, hops: hops)
        return (base.hasSuffix("/") ? base : base + "/") + name
    }
}
