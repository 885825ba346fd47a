// HeaderTests: rivulet.h compiles as strict C11 and as C++, with no padding holes in its structs.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct HeaderTests {
    func compile(_ compiler: String, _ standard: String, _ ext: String) throws -> (Int32, String) {
        let dir = Fixtures.temporaryDirectory("rivulet-header")
        let source = "\(dir)/use.\(ext)"
        Fixtures.write("""
            #include "rivulet.h"
            int probe(const rv_host_api *api) { return RV_HAS(api, counter_add) ? (int)sizeof(rv_record) : -1; }

            """, to: source)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [compiler, standard, "-Wall", "-Wextra", "-pedantic", "-Werror", "-Wpadded", "-I",
                             Fixtures.includeDirectory, "-c", source, "-o", "\(dir)/use.o"]
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func compilesAsStrictC11() throws {
        let (status, output) = try compile("cc", "-std=c11", "c")
        #expect(status == 0, "\(output)")
    }

    @Test func compilesAsCxx() throws {
        let (status, output) = try compile("c++", "-std=c++11", "cpp")
        #expect(status == 0, "\(output)")
    }
}
