// PackageTests: tools/package's tarball and Debian package run an example from another folder with no Swift toolchain on the PATH and no LD_LIBRARY_PATH.
import Foundation
import RivuletTestSupport
import Testing

@Suite(.serialized) struct PackageTests {
    /// The tarball and the .deb of the build under test (debug: the same layout and run paths as a
    /// release one; `--bin`: packaged as built, no nested `swift build` while `swift test` holds .build),
    /// made once per test process.
    static let packages: Result<(tarball: String, deb: String), Error> = Result {
        let out = Fixtures.temporaryDirectory("rivulet-package")
        let made = try SwiftPluginPackage.run(
            "bash", [Fixtures.repositoryRoot + "/tools/package", "--bin", Fixtures.productsDirectory, "--output", out], in: Fixtures.repositoryRoot)
        let files = made.split(separator: "\n").map(String.init)
        guard let tarball = files.first(where: { $0.hasSuffix(".tar.gz") }), let deb = files.first(where: { $0.hasSuffix(".deb") }) else {
            throw PackagingFailed(output: made)
        }
        return (tarball, deb)
    }

    /// Runs `binary arguments` in `folder` with a bare environment: PATH without /opt/swift, no LD_LIBRARY_PATH.
    static func bare(_ binary: String, _ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// examples/card-payments (a C and a Swift plugin, found on the installed plugin path) copied to a
    /// fresh folder and run there by `binary`: its expected output and dead letters.
    static func runsTheExample(with binary: String) throws {
        let folder = Fixtures.temporaryDirectory("rivulet-installed-run")
        let example = Fixtures.repositoryRoot + "/examples/card-payments"
        for file in ["manifest.yaml", "payments.csv"] {
            try FileManager.default.copyItem(atPath: example + "/" + file, toPath: folder + "/" + file)
        }
        let run = try bare(binary, ["run", "manifest.yaml"], in: folder)
        #expect(run.status == 3, "\(run.output)")
        #expect(Fixtures.read(folder + "/output.csv") == Fixtures.read(example + "/expected-out.csv"))
        #expect(Fixtures.read(folder + "/dead-letters.jsonl") == Fixtures.read(example + "/expected-dead-letters.jsonl"))
        let version = try bare(binary, ["--version"], in: folder)
        #expect(version.status == 0 && version.output.hasPrefix("rivulet "), "\(version.output)")
        // Nothing it or its plugins load comes from the toolchain.
        let libraries = (binary as NSString).deletingLastPathComponent + "/../lib/rivulet"
        let plugins = try FileManager.default.contentsOfDirectory(atPath: libraries + "/plugins").map { libraries + "/plugins/" + $0 }
        let ldd = try bare("/usr/bin/ldd", [binary, libraries + "/swift-backtrace"] + plugins, in: folder)
        #expect(!ldd.output.contains("/opt/swift") && !ldd.output.contains("not found"), "\(ldd.output)")
        // A plugin's author asks for the Swift runtime's backtrace (RIVULET_PLUGIN_BACKTRACE=1): the runtime
        // runs lib/rivulet/swift-backtrace, which the package carries and which loads without a toolchain.
        // (Not crashed here: a backtracer left running after its process died kept the test's pipe open.)
        let backtracer = try bare(libraries + "/swift-backtrace", ["--help"], in: folder)
        #expect(backtracer.status == 0 && backtracer.output.contains("Generate a backtrace for the parent process"), "\(backtracer.output)")
    }

    @Test func theTarballRunsAnExampleUnpackedAnywhere() throws {
        let (tarball, _) = try Self.packages.get()
        let place = Fixtures.temporaryDirectory("rivulet-unpacked")
        _ = try SwiftPluginPackage.run("tar", ["-C", place, "-xzf", tarball], in: place)
        let top = try #require(try FileManager.default.contentsOfDirectory(atPath: place).first)
        try Self.runsTheExample(with: "\(place)/\(top)/bin/rivulet")
        for file in [
            "include/rivulet.h", "share/man/man1/rivulet.1.gz", "share/bash-completion/completions/rivulet", "share/zsh/vendor-completions/_rivulet",
            "share/fish/vendor_completions.d/rivulet.fish", "share/rivulet/RivuletPluginKit/Package.swift",
            "share/doc/rivulet/examples/card-payments/manifest.yaml",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(place)/\(top)/\(file)"), "\(file)")
        }
    }

    /// Installed with `dpkg -i` when the tests run as root (CI), else unpacked with `dpkg-deb -x` (the
    /// same files, without dpkg's bookkeeping); removed again afterwards.
    @Test func theDebianPackageInstallsAndRunsAnExample() throws {
        let (_, deb) = try Self.packages.get()
        if getuid() == 0 {
            _ = try SwiftPluginPackage.run("dpkg", ["-i", deb], in: NSTemporaryDirectory())
            defer { _ = try? SwiftPluginPackage.run("dpkg", ["-r", "rivulet"], in: NSTemporaryDirectory()) }
            try Self.runsTheExample(with: "/usr/bin/rivulet")
            let listed = try Self.bare("/usr/bin/rivulet", ["plugins", "list"], in: NSTemporaryDirectory())
            #expect(listed.output.contains("rv_std_swift 1.0.0 (/usr/lib/rivulet/plugins/librv_std_swift.so)"), "\(listed.output)")
            #expect(FileManager.default.fileExists(atPath: "/usr/include/rivulet.h"))
        } else {
            let root = Fixtures.temporaryDirectory("rivulet-deb")
            _ = try SwiftPluginPackage.run("dpkg-deb", ["-x", deb, root], in: root)
            try Self.runsTheExample(with: root + "/usr/bin/rivulet")
        }
    }
}

/// tools/package did not name a tarball and a .deb.
struct PackagingFailed: Error, CustomStringConvertible {
    let output: String
    var description: String { "tools/package did not name its two packages:\n\(output)" }
}
