// VersionCommandTests: `rivulet --version` names the release, the plugin ABI of include/rivulet.h, the commit and the build date.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct VersionCommandTests {
    @Test func versionNamesReleaseABICommitAndBuildDate() throws {
        let result = try RivuletProcess.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(result.stdout)")
        guard lines.count == 4 else { return }
        #expect(lines[0].wholeMatch(of: /rivulet \d+\.\d+\.\d+/) != nil, "\(lines[0])")
        // The ABI is the header's own.
        let header = Fixtures.read(Fixtures.includeDirectory + "/rivulet.h")
        let major = header.firstMatch(of: /#define RV_ABI_MAJOR (\d+)u/)!.1
        let minor = header.firstMatch(of: /#define RV_ABI_MINOR (\d+)u/)!.1
        #expect(lines[1] == "plugin ABI \(major).\(minor) (include/rivulet.h)")
        // A commit of this repository (built from a checkout), or "unknown" (built from a tarball).
        let commit = try #require(lines[2].wholeMatch(of: /commit ([0-9a-f]{40})(\+modified)?|commit unknown/))
        if let hash = commit.1 {
            let git = Process()
            git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            git.arguments = ["-C", Fixtures.repositoryRoot, "cat-file", "-e", "\(hash)^{commit}"]
            try git.run()
            git.waitUntilExit()
            #expect(git.terminationStatus == 0, "\(hash) is not a commit of \(Fixtures.repositoryRoot)")
        }
        #expect(lines[3].wholeMatch(of: /built \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/) != nil, "\(lines[3])")
    }
}
