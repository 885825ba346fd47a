// HeaderTests: rivulet.h compiles as strict C11 and as C++, with no padding holes in its structs.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct HeaderTests {
    static let probe = """
        #include "rivulet.h"
        int probe(const rv_host_api *api) { return RV_HAS(api, counter_add) ? (int)sizeof(rv_record) : -1; }
        const char *why(const rv_host_api *api, rv_context *ctx) { return RV_HAS(api, last_error) ? api->last_error(ctx) : 0; }
        /* The descriptor field's 1.0/1.1 name is an alias of min_host_minor: the same 4 bytes. */
        unsigned alias(void) {
            rv_plugin_descriptor d;
            d.abi_minor = 1;
            return d.min_host_minor;
        }

        """

    func compile(_ compiler: String, _ standard: String, _ ext: String, _ text: String = probe) throws -> (Int32, String) {
        let dir = Fixtures.temporaryDirectory("rivulet-header")
        let source = "\(dir)/use.\(ext)"
        Fixtures.write(text, to: source)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            compiler, standard, "-Wall", "-Wextra", "-pedantic", "-Werror", "-Wpadded", "-I",
            Fixtures.includeDirectory, "-c", source, "-o", "\(dir)/use.o",
        ]
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

    /// Plugins written for 1.0/1.1 set the descriptor's `.abi_minor`; new ones `.min_host_minor`. Both
    /// designated initializers compile with the strict flags plugins are built with.
    @Test func bothNamesOfTheDescriptorsMinorCompile() throws {
        let (status, output) = try compile(
            "cc", "-std=c11", "c",
            """
            #include "rivulet.h"
            static const rv_plugin_descriptor old_style = {.struct_size = sizeof old_style, .abi_major = RV_ABI_MAJOR, .abi_minor = 0, .name = "old"};
            static const rv_plugin_descriptor new_style = {.struct_size = sizeof new_style, .abi_major = RV_ABI_MAJOR, .min_host_minor = 2, .name = "new"};
            unsigned minors(void) { return old_style.min_host_minor + new_style.abi_minor; }

            """)
        #expect(status == 0, "\(output)")
    }
}
