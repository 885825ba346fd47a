// PluginLoaderTests: every loader failure, with its message, on real shared libraries; and real plugins.
import CRivulet
import Foundation
import RivuletTestSupport
import Testing

@testable import RivuletPlugins

@Suite struct PluginLoaderTests {
    let loader = PluginLoader()

    func loadError(_ path: String) -> PluginLoadError? {
        do {
            _ = try loader.load(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingFile() {
        let error = loadError("/nonexistent/libnothing.so")
        #expect(error == .fileMissing(path: "/nonexistent/libnothing.so", searched: []))
        #expect(error?.description == "plugin /nonexistent/libnothing.so: no such file")
    }

    @Test func notASharedLibrary() {
        let path = Fixtures.temporaryDirectory() + "/libfake.so"
        Fixtures.write("this is not ELF\n", to: path)
        guard case .notASharedLibrary(let p, let reason) = loadError(path) else {
            Issue.record("expected notASharedLibrary")
            return
        }
        #expect(p == path)
        #expect(reason.contains("invalid ELF header") || reason.contains("file too short"))
    }

    @Test func entrySymbolMissing() throws {
        let path = try Fixtures.plugin("no_entry")
        let error = loadError(path)
        #expect(error == .entrySymbolMissing(path: path, symbol: "rivulet_plugin_v1"))
        #expect(error?.description.hasPrefix("plugin \(path): no entry point [rivulet_plugin_v1] in shared library") == true)
    }

    @Test func abiMajorMismatchNamesBothVersions() throws {
        let path = try Fixtures.plugin("wrong_major")
        let error = loadError(path)
        #expect(error == .abiIncompatible(path: path, pluginMajor: 2, pluginMinHostMinor: 0, hostMajor: 1, hostMinor: 2))
        #expect(
            error?.description
                == "plugin \(path): built for Rivulet ABI 2.0, but this host speaks ABI 1.2 (major versions differ); rebuild the plugin against this rivulet.h"
        )
    }

    @Test func aPluginNeedingANewerMinorIsRefused() throws {
        let path = try Fixtures.plugin("newer_minor")
        let error = loadError(path)
        #expect(error == .abiIncompatible(path: path, pluginMajor: 1, pluginMinHostMinor: 99, hostMajor: 1, hostMinor: 2))
        #expect(
            error?.description
                == "plugin \(path): needs a host of Rivulet ABI 1.99 or newer (its min_host_minor is 99), but this host offers ABI 1.2; upgrade rivulet, or build the plugin with a min_host_minor of 2 or less"
        )
    }

    @Test func failedLoadsUnmapTheLibrary() throws {
        for fixture in ["wrong_major", "malformed", "init_fails", "no_entry"] {
            let path = try Fixtures.plugin(fixture)
            #expect(loadError(path) != nil)
            let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
            #expect(!maps.contains(path), "\(fixture): the handle was closed, the library is no longer mapped")
        }
    }

    @Test func malformedDescriptor() throws {
        let path = try Fixtures.plugin("malformed")
        #expect(loadError(path) == .descriptorMalformed(path: path, reason: "operator 'broken' lacks create, destroy or process"))
    }

    @Test func initFailureCarriesThePluginsMessage() throws {
        let path = try Fixtures.plugin("init_fails")
        let error = loadError(path)
        #expect(error == .initFailed(path: path, message: "init returned RV_FATAL: license key missing: set config 'license'"))
        #expect(error?.description == "plugin \(path): init returned RV_FATAL: license key missing: set config 'license'")
    }

    @Test func shorterOlderDescriptorIsReadOnlyToItsSize() throws {
        // The fixture's init slot holds garbage beyond struct_size; reading it would crash.
        let plugin = try loader.load(path: try Fixtures.plugin("old_struct"))
        #expect(plugin.name == "old_struct")
        #expect(plugin.version == "0.9")
        #expect(plugin.minHostMinor == 0, "written through the old name abi_minor, the same 4 bytes")
        #expect(plugin.operators.map(\.name) == ["pass"])
    }

    @Test func libraryNamesResolveOnTheSearchPath() throws {
        let path = try Fixtures.plugin("flaky")
        let folder = (path as NSString).deletingLastPathComponent
        let resolved = try PluginLoader(searchPaths: ["/nonexistent", folder]).resolve(library: "flaky")
        #expect(resolved == path)
        #expect(throws: PluginLoadError.self) { try PluginLoader(searchPaths: ["/nonexistent"]).resolve(library: "flaky") }
    }

    @Test func hostFillsEverySlotItDeclares() throws {
        let path = try Fixtures.plugin("flaky")
        let handle = try #require(dlopen(path, RTLD_NOW | RTLD_LOCAL))
        defer { dlclose(handle) }
        let symbol = try #require(dlsym(handle, "flaky_count_null_slots"))
        let count = unsafeBitCast(symbol, to: (@convention(c) (UnsafePointer<rv_host_api>) -> Int32).self)
        #expect(count(HostAPI.table) == 0)
        #expect(HostAPI.table.pointee.struct_size == UInt32(MemoryLayout<rv_host_api>.size))
        #expect(HostAPI.table.pointee.abi_major == 1)
    }

    @Test func standardCPluginBuiltWithPlainCC() throws {
        let plugin = try loader.load(path: try Fixtures.standardCPlugin())
        #expect(plugin.name == "rv_std_c")
        #expect(plugin.operators.map(\.name) == ["mask", "filter", "scale", "running_total"])
        #expect(plugin.operatorInfo(named: "filter")?.outputs == ["out", "rejected"])
        #expect(plugin.operatorInfo(named: "mask")?.configKeys.map(\.name) == ["field", "keep", "luhn"])
        #expect(plugin.operatorInfo(named: "mask")?.configKeys.first?.required == true)
    }

    @Test func swiftPluginLooksLikeACPlugin() throws {
        let path = Fixtures.productsDirectory + "/librv_std_swift.so"
        let plugin = try loader.load(path: path)
        #expect(plugin.name == "rv_std_swift")
        #expect(plugin.abiMajor == 1)
        #expect(plugin.operators.map(\.name) == ["currency_convert", "project", "silence", "dedupe"])
        #expect(plugin.aggregates.map(\.name) == ["geomean"])
        #expect(plugin.aggregates.first?.accumulatorSize == 16)
        #expect(plugin.operatorInfo(named: "currency_convert")?.inputs == ["in"])
        #expect(
            plugin.operatorInfo(named: "currency_convert")?.configKeys.filter(\.required).map(\.name) == [
                "field", "currency_field", "rates", "target",
            ])
    }
}
