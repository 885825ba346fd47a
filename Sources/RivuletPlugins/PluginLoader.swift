// PluginLoader: opens a plugin library, checks its ABI version and descriptor, and runs its init.
import CRivulet
import Foundation

/// Loads plugin libraries, carefully: each failure is a distinct `PluginLoadError` naming the file, and
/// the library handle is closed on every failure path (SQLite's loadext.c is the model).
///
/// Order of checks: a readable regular file (`checkFile`) → `dlopen(RTLD_NOW | RTLD_LOCAL)` → entry symbol → versions (read from the
/// descriptor's first 12 bytes, before any other plugin code runs) → descriptor contents → plugin init.
public struct PluginLoader: Sendable {
    /// Folders searched, in order, for a plugin given by library name (`lib<name>.so`).
    public var searchPaths: [String]

    public init(searchPaths: [String] = []) {
        self.searchPaths = searchPaths
    }

    /// The default search path: `$RIVULET_PLUGIN_PATH` (colon-separated), the manifest's folder, the
    /// folder of the running executable (where `swift build` puts the shipped plugins), and
    /// `../lib/rivulet/plugins` beside it (where `tools/package` installs them) when it exists.
    public static func defaultSearchPaths(manifestDirectory: String?) -> [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["RIVULET_PLUGIN_PATH"] {
            paths += env.split(separator: ":").map(String.init)
        }
        if let manifestDirectory { paths.append(manifestDirectory) }
        var executableFolders = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            executableFolders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        for folder in executableFolders {
            paths.append(folder.path)
            let installed = folder.deletingLastPathComponent().appendingPathComponent("lib/rivulet/plugins").standardizedFileURL.path
            if FileManager.default.fileExists(atPath: installed) { paths.append(installed) }
        }
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    /// The path of library `name` (`lib<name>.so`, or `name` itself if it ends in `.so`) on the search path.
    public func resolve(library name: String) throws(PluginLoadError) -> String {
        let file = name.hasSuffix(".so") ? name : "lib\(name).so"
        for folder in searchPaths {
            let candidate = (folder as NSString).appendingPathComponent(file)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw .fileMissing(path: file, searched: searchPaths)
    }

    /// Checks that `path` is a regular file this process can read, before `dlopen` touches it: `dlopen`
    /// of a FIFO blocks until something writes to it (forever, in `validate`), and of a folder or a
    /// missing file says only "cannot open". Symbolic links are followed.
    public static func checkFile(_ path: String) throws(PluginLoadError) {
        var info = stat()
        guard !path.isEmpty, stat(path, &info) == 0 else {
            let reason = errno
            if reason == EACCES { throw .notReadable(path: path, reason: String(cString: strerror(reason)).lowercased()) }
            throw .fileMissing(path: path, searched: [])
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notAFile(path: path, kind: "a folder")
        case S_IFIFO: throw .notAFile(path: path, kind: "a FIFO (named pipe)")
        case S_IFSOCK: throw .notAFile(path: path, kind: "a socket")
        case S_IFCHR: throw .notAFile(path: path, kind: "a character device")
        case S_IFBLK: throw .notAFile(path: path, kind: "a block device")
        default: throw .notAFile(path: path, kind: "something other than a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw .notReadable(path: path, reason: String(cString: strerror(errno)).lowercased())
        }
    }

    /// Loads the plugin at `path`; `config` is what its init reads through `config_get`.
    public func load(path: String, config: [(key: String, value: String)] = []) throws(PluginLoadError) -> LoadedPlugin {
        try Self.checkFile(path)
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .notASharedLibrary(path: path, reason: dlerror().map { String(cString: $0) } ?? "unknown error")
        }
        var keepOpen = false
        defer { if !keepOpen { LibraryUnloading.close(handle) } }

        guard let symbol = dlsym(handle, RV_ENTRY_SYMBOL) else {
            throw .entrySymbolMissing(path: path, symbol: RV_ENTRY_SYMBOL)
        }
        let entry = unsafeBitCast(symbol, to: rv_plugin_entry_fn.self)
        guard let raw = entry() else { throw .descriptorMalformed(path: path, reason: "\(RV_ENTRY_SYMBOL)() returned NULL") }
        let descriptor = try DescriptorReader.copyDescriptor(raw, path: path)
        var owned: [UnsafeMutableRawPointer] = []
        do throws(PluginLoadError) {
            let operators = try DescriptorReader.operators(of: descriptor.pointee, path: path, owned: &owned)
            let aggregates = try DescriptorReader.aggregates(of: descriptor.pointee, path: path, owned: &owned)
            let functions = try DescriptorReader.functions(of: descriptor.pointee, path: path, owned: &owned)
            let context = PluginContext(nodeName: path)
            context.setConfig(config)
            if let initialize = descriptor.pointee.`init` {
                let status = initialize(HostAPI.table, context.opaque)
                if status != RV_OK {
                    if let fini = descriptor.pointee.fini { fini(HostAPI.table, context.opaque) }
                    let message = context.failure("init", status)
                    throw PluginLoadError.initFailed(path: path, message: message)
                }
            }
            keepOpen = true
            return LoadedPlugin(
                path: path, handle: handle, descriptor: descriptor, operators: operators, aggregates: aggregates,
                functions: functions, ownedCopies: owned, libraryContext: context)
        } catch {
            for copy in owned { copy.deallocate() }
            descriptor.deallocate()
            throw error
        }
    }
}
