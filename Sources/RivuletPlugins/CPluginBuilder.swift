// CPluginBuilder: compiles a C plugin with the plain C compiler, the way third parties should build theirs.
import Foundation

/// Builds C plugin sources into a shared library with `cc` (or `$CC`): C11, warnings as errors, hidden
/// visibility (only `RV_EXPORT` symbols are exported), linked against libc only — no Swift runtime.
public struct CPluginBuilder: Sendable {
    /// The folder holding `rivulet.h`.
    public var includeDirectory: String
    public var compiler: String

    public init(includeDirectory: String, compiler: String? = nil) {
        self.includeDirectory = includeDirectory
        self.compiler = compiler ?? ProcessInfo.processInfo.environment["CC"] ?? "cc"
    }

    /// Finds `include/rivulet.h` in `start` or one of its parents (a source checkout), or nil.
    public static func findIncludeDirectory(from start: String) -> String? {
        var url = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent("include/rivulet.h").path
            if FileManager.default.fileExists(atPath: candidate) { return url.appendingPathComponent("include").path }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// The compiler arguments for building `sources` into `output`.
    public func arguments(sources: [String], output: String, extraFlags: [String] = []) -> [String] {
        [
            "-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-pedantic", "-Werror", "-fPIC", "-fvisibility=hidden", "-shared",
            "-I", includeDirectory,
        ] + extraFlags + sources + ["-o", output]
    }

    /// Compiles; throws with the compiler's output when it fails.
    public func build(sources: [String], output: String, extraFlags: [String] = []) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [compiler] + arguments(sources: sources, output: output, extraFlags: extraFlags)
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FFIError(message: "building \(output) failed (\(compiler) exited \(process.terminationStatus)):\n\(text)")
        }
    }
}
