// PackagePaths: where the checkout and its release-built plugins are, found from this file's path.
import Foundation

/// Paths the benchmarks need. The shipped plugins (`librv_std_c.so`, `librv_std_swift.so`) are built by
/// `swift build -c release` into `.build/release`, beside the benchmark executable itself.
enum PackagePaths {
    /// The package's root folder (this file is `<root>/Benchmarks/RivuletBenchmarks/PackagePaths.swift`).
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `Benchmarks/` (the manifests).
    static var benchmarksFolder: String { root + "/Benchmarks" }

    /// Where plugins are looked for: the executable's own folder, then `<root>/.build/release`.
    static var pluginSearchPaths: [String] {
        var paths: [String] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            paths.append(executable.deletingLastPathComponent().path)
        }
        paths.append(root + "/.build/release")
        return paths
    }
}
