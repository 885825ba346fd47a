// Fixtures: paths of the repository, temporary folders, and C fixture plugins compiled for the tests.
import Foundation
import RivuletPlugins

/// Shared helpers for tests: where the checkout is, scratch folders, and real `.so` files built from
/// `Tests/Fixtures/plugins/*.c` with the plain C compiler (cached per test process).
public enum Fixtures {
    /// The repository's root folder.
    public static let repositoryRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    public static var includeDirectory: String { repositoryRoot + "/include" }

    /// The folder `swift build` put the products in (where the shipped plugins are).
    public static var productsDirectory: String {
        // The test bundle runs from .build/<triple>/debug (or release); the plugins are beside it.
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL.deletingLastPathComponent().path
        return bundle ?? (repositoryRoot + "/.build/debug")
    }

    /// A new empty folder under the system's temporary folder.
    public static func temporaryDirectory(_ label: String = "rivulet-test") -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    nonisolated(unsafe) private static var built: [String: String] = [:]
    private static let lock = NSLock()
    private static let buildFolder = temporaryDirectory("rivulet-fixtures")

    /// Compiles `Tests/Fixtures/plugins/<name>.c` into `lib<name>.so` (once per process) and returns its path.
    public static func plugin(_ name: String) throws -> String {
        try lock.withLock {
            if let path = built[name] { return path }
            let output = "\(buildFolder)/lib\(name).so"
            try CPluginBuilder(includeDirectory: includeDirectory).build(
                sources: ["\(repositoryRoot)/Tests/Fixtures/plugins/\(name).c"], output: output)
            built[name] = output
            return output
        }
    }

    /// Builds the shipped C plugin `plugins/c/rv_std_c` with plain cc (as a third party would).
    public static func standardCPlugin() throws -> String {
        try lock.withLock {
            if let path = built["rv_std_c"] { return path }
            let dir = "\(repositoryRoot)/plugins/c/rv_std_c"
            let output = "\(buildFolder)/librv_std_c.so"
            try CPluginBuilder(includeDirectory: includeDirectory).build(
                sources: ["mask.c", "filter.c", "scale.c", "running_total.c", "spread.c", "date_time.c", "plugin.c"].map { "\(dir)/\($0)" },
                output: output,
                extraFlags: ["-I", "\(dir)/include"])
            built["rv_std_c"] = output
            return output
        }
    }

    /// Writes `text` to `path`.
    public static func write(_ text: String, to path: String) {
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    public static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing \(path)>"
    }
}
