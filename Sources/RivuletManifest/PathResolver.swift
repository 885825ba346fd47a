// PathResolver: makes paths absolute and normalises them lexically, without touching the file system.

/// Path arithmetic for manifests: relative paths are resolved against the manifest's folder, and `.` and
/// `..` components are removed without following symbolic links.
enum PathResolver {
    /// `path` if absolute, else `base/path`; normalised either way.
    static func absolute(_ path: String, relativeTo base: String) -> String {
        normalized(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// An absolute path without empty, `.` and `..` components (`/a/./b/../c/` is `/a/c`).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The folder of a path (`/a/b/m.yaml` is `/a/b`; `/m.yaml` is `/`).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The file name without its folder and its last extension (`/a/card-payments.yaml` is `card-payments`).
    static func baseName(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
