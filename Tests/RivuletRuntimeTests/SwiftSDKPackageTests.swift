// SwiftSDKPackageTests: a third-party plugin package depends on the SDK package alone, builds, loads, sees no C types.
import Foundation
import RivuletTestSupport
import Testing

/// `Tests/Fixtures/swift/SDKProbe` is a plugin package as a third party writes it: its only dependency is
/// the SDK package (`RivuletPluginKit/`), by path. It is copied to a temporary folder and built there
/// with `swift build` (once per test process); the suites here and in `SwiftSDKTests` load the result.
@Suite struct SwiftSDKPackageTests {
    static func probe() throws -> SwiftPluginPackage { try SwiftPluginPackage.build("SDKProbe", product: "sdk_probe") }
    static func folder() throws -> String { (try probe().library as NSString).deletingLastPathComponent }

    /// Resolving the plugin's package fetches nothing: the graph below it is the SDK package, which has no
    /// dependencies (the main package's argument-parser, Yams, prometheus… stay out of it).
    @Test func aPluginPackageResolvesOnlyTheSDK() throws {
        let probe = try Self.probe()
        #expect(probe.resolvedPackages == ["rivuletpluginkit"])
        #expect(probe.fetched.isEmpty, "fetched: \(probe.fetched)")
        #expect(probe.pins.isEmpty, "Package.resolved pins: \(probe.pins)")
        let inspect = try ExamplesTests.rivulet(["plugins", "inspect", probe.library])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("sdk_probe 0.1.0 — Exercises every service of the Swift SDK"))
        #expect(inspect.stdout.contains("ABI: 1.0"))
        #expect(inspect.stdout.contains("aggregate span: "))
        #expect(inspect.stdout.contains("function seconds_to_ms(f64) -> timestamp: "))
    }

    /// `isStateless` defaults to false: an operator that does not say is declared stateful, as a C one
    /// without RV_OPERATOR_STATELESS; the shipped stateless Swift operators say so explicitly.
    @Test func operatorsAreStatefulUnlessTheySayOtherwise() throws {
        let probe = try ExamplesTests.rivulet(["plugins", "inspect", try Self.probe().library])
        #expect(probe.stdout.contains("operator tally: "), "tally does not override isStateless")
        #expect(probe.stdout.contains("operator ticker: "))
        #expect(probe.stdout.contains("operator route (stateless): "))
        let shipped = try ExamplesTests.rivulet(["plugins", "inspect", Fixtures.productsDirectory + "/librv_std_swift.so"])
        #expect(shipped.stdout.contains("operator currency_convert (stateless): "))
        #expect(shipped.stdout.contains("operator project (stateless): "))
        #expect(shipped.stdout.contains("operator silence: "))
        #expect(shipped.stdout.contains("operator dedupe: "))
    }

    /// `import RivuletPluginKit` gives plugin code Swift types only: the C ABI's types and the host table
    /// are not re-exported (type-checked against the SDK module the probe's build produced).
    @Test func theSDKDoesNotExposeTheCTypes() throws {
        let probe = try Self.probe()
        let scratch = Fixtures.temporaryDirectory("rivulet-sdk-surface")
        func typecheck(_ source: String) throws -> (ok: Bool, output: String) {
            Fixtures.write("import RivuletPluginKit\n" + source, to: scratch + "/client.swift")
            let debug = probe.folder + "/.build/debug"
            do {
                _ = try SwiftPluginPackage.swiftc([
                    "-typecheck", "-I", debug + "/Modules",
                    "-Xcc", "-fmodule-map-file=\(debug)/CRivulet.build/module.modulemap",
                    "-Xcc", "-I\(Fixtures.repositoryRoot)/RivuletPluginKit/Sources/CRivulet/include",
                    scratch + "/client.swift",
                ])
                return (true, "")
            } catch let failure as SwiftBuildFailure {
                return (false, failure.output)
            }
        }
        let fine = try typecheck("func f(_ c: OperatorContext, _ b: Batch) throws -> Int { try c.configuration.count + b.count }\n")
        #expect(fine.ok, "\(fine.output)")
        for (source, message) in [
            ("let f: rv_field? = nil\n", "cannot find type 'rv_field' in scope"),
            ("let s = RV_OK\n", "cannot find 'RV_OK' in scope"),
            ("func f(_ c: OperatorContext) { _ = c.api }\n", "'api' is inaccessible due to 'internal' protection level"),
            ("func f(_ b: Batch) { _ = b.raw }\n", "'raw' is inaccessible due to 'internal' protection level"),
        ] {
            let result = try typecheck(source)
            #expect(!result.ok && result.output.contains(message), "\(source): \(result.output)")
        }
    }
}
