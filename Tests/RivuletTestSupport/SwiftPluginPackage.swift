// SwiftPluginPackage: builds a third-party Swift plugin package (Tests/Fixtures/swift/<name>) against the SDK package.
import Foundation

/// A plugin package as a third party has it: a copy of `Tests/Fixtures/swift/<name>` in a temporary
/// folder, its dependency on the SDK pointed at this checkout's `RivuletPluginKit` folder by absolute
/// path, built with a plain `swift build` (once per test process; the tests already run under the
/// machine's build lock, so the nested build takes no lock of its own). Records what SwiftPM resolved.
public struct SwiftPluginPackage: Sendable {
    /// The copied package.
    public let folder: String
    /// The built plugin library (`.build/debug/lib<product>.so`).
    public let library: String
    /// The identities of every package in the resolved graph below the root (`swift package
    /// show-dependencies --format json`).
    public let resolvedPackages: [String]
    /// What SwiftPM fetched: the folders under `.build/checkouts` and `.build/repositories` (none when only
    /// local packages are used).
    public let fetched: [String]
    /// The pins of `Package.resolved`, if SwiftPM wrote one.
    public let pins: [String]

    nonisolated(unsafe) private static var built: [String: SwiftPluginPackage] = [:]
    private static let lock = NSLock()

    /// Builds `Tests/Fixtures/swift/<name>` (product `product`) once per process; throws with SwiftPM's output
    /// when the build fails.
    public static func build(_ name: String, product: String) throws -> SwiftPluginPackage {
        try lock.withLock {
            if let done = built[name] { return done }
            let folder = Fixtures.temporaryDirectory("rivulet-swift-plugin") + "/" + name
            try FileManager.default.copyItem(atPath: "\(Fixtures.repositoryRoot)/Tests/Fixtures/swift/\(name)", toPath: folder)
            let manifest = folder + "/Package.swift"
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            try text.replacingOccurrences(of: "\"../../../../RivuletPluginKit\"", with: "\"\(Fixtures.repositoryRoot)/RivuletPluginKit\"")
                .write(toFile: manifest, atomically: true, encoding: .utf8)
            try swift(["build", "--product", product], in: folder)
            let graph = try swift(["package", "show-dependencies", "--format", "json"], in: folder)
            let root = try JSONSerialization.jsonObject(with: Data(graph.utf8)) as? [String: Any] ?? [:]
            var fetched: [String] = []
            for sub in ["checkouts", "repositories"] {
                fetched += ((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/.build/\(sub)")) ?? []).map { "\(sub)/\($0)" }
            }
            var pins: [String] = []
            if let data = FileManager.default.contents(atPath: folder + "/Package.resolved"),
                let resolved = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                pins = (resolved["pins"] as? [[String: Any]] ?? []).compactMap { $0["identity"] as? String }
            }
            let result = SwiftPluginPackage(
                folder: folder, library: "\(folder)/.build/debug/lib\(product).so",
                resolvedPackages: identities(root["dependencies"]), fetched: fetched, pins: pins)
            built[name] = result
            return result
        }
    }

    /// The identities in a `show-dependencies` JSON dependency list, depth first.
    private static func identities(_ list: Any?) -> [String] {
        (list as? [[String: Any]] ?? []).flatMap { [($0["identity"] as? String) ?? "?"] + identities($0["dependencies"]) }
    }

    /// Runs `swiftc` of the toolchain running the tests; returns stdout, throws with both streams on failure.
    @discardableResult
    public static func swiftc(_ arguments: [String]) throws -> String {
        try run("swiftc", arguments, in: NSTemporaryDirectory())
    }

    /// Runs `swift` of the toolchain running the tests in `folder`.
    @discardableResult
    public static func swift(_ arguments: [String], in folder: String) throws -> String {
        try run("swift", arguments, in: folder)
    }

    /// Runs a tool of the toolchain (found on PATH, else in /opt/swift/usr/bin); returns stdout, throws with
    /// both streams on failure.
    public static func run(_ tool: String, _ arguments: [String], in folder: String) throws -> String {
        let process = Process()
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/\(tool)" } + ["/opt/swift/usr/bin/\(tool)"]
        process.executableURL = URL(fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/\(tool)")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to their ends before waiting, so that a chatty build cannot fill one and block.
        nonisolated(unsafe) var errData = Data()
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        reading.wait()
        process.waitUntilExit()
        let stdout = String(decoding: outData, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw SwiftBuildFailure(command: tool + " " + arguments.joined(separator: " "), output: stdout + String(decoding: errData, as: UTF8.self))
        }
        return stdout
    }
}
