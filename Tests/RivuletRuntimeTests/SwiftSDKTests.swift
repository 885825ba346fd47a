// SwiftSDKTests: every service of the Swift SDK through the probe plugin (built by SwiftPM) in real topologies.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

/// The probe (`Tests/Fixtures/swift/SDKProbe`, see `SwiftSDKPackageTests`) is written only against
/// `RivuletPluginKit`; each test runs one of its operators in a topology and checks what came out.
@Suite struct SwiftSDKTests {
    static func paths() throws -> [String] { [try SwiftSDKPackageTests.folder()] }

    static let counterInput = "k,action\nb,inc\na,inc\nc,inc\na,inc\nb2,inc\nab,inc\nb,del\nabc,inc\n"

    static func tally(_ backend: String, scan: String, stateDirectory: String = "state") -> String {
        """
        plugins: { p: { library: sdk_probe } }
        stores: { counts: { type: \(backend) } }
        state_directory: \(stateDirectory)
        sources:
          s: { type: file, path: in.csv, schema: { k: string, action: string }, key: k }
        operators:
          c: { plugin: p, operator: tally, stores: [counts], config: { scan: \(scan) } }
        sinks:
          out: { type: file, path: out.csv, header: false }
          dump: { type: file, path: dump.csv, header: false }
        edges: [s -> c, c.out -> out, c.dump -> dump]
        """
    }

    /// A store opened in create, then get/put/delete per record and prefix and range scans at the end:
    /// the same results as the C fixture `stores.c` gives (StoreTests), on both backends. The counter
    /// registered once in create counts every record. A refused store_open carries the host's reason.
    @Test(arguments: ["memory", "rocksdb"])
    func storesAndScansAsTheCPluginDoes(backend: String) throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.counterInput)
        let plan = try t.plan(Self.tally(backend, scan: "{ prefix: a }"), extraPluginPaths: try Self.paths())
        _ = try plan.run()
        #expect(t.read("out.csv") == "b,1\na,1\nc,1\na,2\nb2,1\nab,1\nabc,1\n")
        #expect(t.read("dump.csv") == "a,2\nab,1\nabc,1\n", "prefix scan, in byte order")
        let tallied = plan.metricsSnapshot().instances.first { $0.node == "c" }?.pluginCounters.first { $0.name == "tallied" }?.value
        #expect(tallied == 8)
        _ = try t.run(Self.tally(backend, scan: "{ from: ab, to: b3 }", stateDirectory: "state2"), extraPluginPaths: try Self.paths())
        #expect(t.read("dump.csv") == "ab,1\nabc,1\nb2,1\n", "range [ab, b3): b was deleted")
        _ = try t.run(Self.tally(backend, scan: "{ from: b }", stateDirectory: "state3"), extraPluginPaths: try Self.paths())
        #expect(t.read("dump.csv") == "b2,1\nc,1\n", "from b to the end")
        #expect {
            try t.run(Self.tally(backend, scan: "{ prefix: a }, open_also: nope", stateDirectory: "state4"), extraPluginPaths: try Self.paths())
        } throws: {
            "\($0)".contains(
                "tally: host service store_open('nope') answered RV_NOT_FOUND (5): store_open: no store 'nope' is attached to this operator (attached: counts)"
            )
        }
    }

    /// A list of mappings in the config routes records with `forward(_:selected:port:)`; a NULL field
    /// dead-letters its record after the ones before it went out; a route to a port that does not exist
    /// fails create naming the value's path.
    @Test func routesFromAListOfMappingsWithSelectionVectors() throws {
        let t = TopologyRunner()
        t.write(
            "in.jsonl",
            [("1", "\"x\""), ("2", "\"y\""), ("3", "\"z\""), ("4", "null"), ("5", "\"y\""), ("6", "\"x\"")]
                .map { "{\"id\":\($0.0),\"k\":\($0.1)}\n" }.joined())
        func manifest(_ secondPort: String) -> String {
            """
            plugins: { p: { library: sdk_probe } }
            sources:
              s: { type: file, path: in.jsonl, schema: { id: i64, k: string }, batch_size: 4 }
            operators:
              r: { plugin: p, operator: route, config: { field: k, routes: [{ match: x, to: a }, { match: y, to: \(secondPort) }] } }
            sinks:
              a: { type: file, path: a.csv, header: false }
              b: { type: file, path: b.csv, header: false }
            edges: [s -> r, r.a -> a, r.b -> b]
            dead_letters: { type: file, path: dead.jsonl }
            """
        }
        let summary = try t.run(manifest("b"), extraPluginPaths: try Self.paths())
        #expect(t.read("a.csv") == "1,x\n6,x\n")
        #expect(t.read("b.csv") == "2,y\n5,y\n")
        #expect(summary.deadLetters == 1)
        #expect(t.read("dead.jsonl").contains("route: the field is NULL") && t.read("dead.jsonl").contains("\"id\":4"))
        #expect {
            try t.run(manifest("c"), extraPluginPaths: try Self.paths())
        } throws: { "\($0)".contains("config 'routes[1].to': names no output port: 'c'") }
    }

    /// A filter through `forward(_:where:)`: one call per batch, the list `allow` read as `[String]`.
    @Test func filtersWithAPredicate() throws {
        let t = TopologyRunner()
        t.write("in.jsonl", "{\"id\":1,\"k\":\"a\"}\n{\"id\":2,\"k\":\"b\"}\n{\"id\":3,\"k\":\"c\"}\n{\"id\":4,\"k\":null}\n{\"id\":5,\"k\":\"a\"}\n")
        let summary = try t.run(
            """
            plugins: { p: { library: sdk_probe } }
            sources:
              s: { type: file, path: in.jsonl, schema: { id: i64, k: string } }
            operators:
              f: { plugin: p, operator: keep, config: { field: k, allow: [a, c] } }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [s -> f, f -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """, extraPluginPaths: try Self.paths())
        #expect(t.read("out.csv") == "1,a\n3,c\n5,a\n")
        #expect(summary.deadLetters == 1)
        #expect(t.read("dead.jsonl").contains("keep: the field is NULL") && t.read("dead.jsonl").contains("\"id\":4"))
    }

    static func enrich(_ config: String) -> String {
        """
        plugins: { p: { library: sdk_probe } }
        sources:
          s: { type: file, path: in.csv, schema: { k: string, v: f64 } }
        operators:
          e: { plugin: p, operator: enrich, config: \(config) }
        sinks:
          out: { type: file, path: out.csv }
        edges: [s -> e, e -> out]
        dead_letters: { type: file, path: dead.jsonl }
        """
    }

    /// A filter-map from typed, nested config: one row per kept record in one host call; a retry asked
    /// for mid-batch and a dead letter mid-batch leave every other record emitted exactly once, in order.
    /// The same on an emulated 1.0 host, where the SDK emits record by record.
    @Test func filterMapsWithNestedConfigRetriesAndDeadLetters() throws {
        let t = TopologyRunner()
        t.write("in.csv", "k,v\na,10\nb,1\nflaky,50\nboom,3\nc,60\n")
        let config = "{ multiply: 2.5, min: 2, big_from: 100, label: { prefix: p-, upper: true }, fail_on: boom, retry_on: flaky }"
        let expected = "k,v,scaled,label,big\na,10.0,25.0,P-A,false\nflaky,50.0,125.0,P-FLAKY,true\nc,60.0,150.0,P-C,true\n"
        let summary = try t.run(Self.enrich(config), extraPluginPaths: try Self.paths())
        #expect(t.read("out.csv") == expected)
        #expect(summary.deadLetters == 1)
        #expect(t.read("dead.jsonl").contains("enrich: told to fail on 'boom'"))

        t.write("manifest.yaml", Self.enrich(config))
        try FileManager.default.removeItem(atPath: t.path("out.csv"))
        let old = try BatchEmitTests.rivulet(
            ["run", "--quiet", t.path("manifest.yaml"), "--plugin-path", try SwiftSDKPackageTests.folder()], hostMinor: "0")
        #expect(old.status == 3, "one dead letter: \(old.stderr)")
        #expect(t.read("out.csv") == expected)
    }

    /// A config value of the wrong type is refused: a declared scalar by the planner (its line and the
    /// declared type), a nested one by the SDK when create reads it (its path and what was expected).
    @Test func aMistypedConfigValueFailsCreateWithItsPath() throws {
        let t = TopologyRunner()
        t.write("in.csv", "k,v\na,1\n")
        #expect {
            try t.run(Self.enrich("{ multiply: abc }"), extraPluginPaths: try Self.paths())
        } throws: { "\($0)".contains("5:57: error: operator 'e' (enrich): config 'multiply' must be a number (f64), got 'abc'") }
        #expect {
            try t.run(Self.enrich("{ multiply: 2, label: { upper: maybe } }"), extraPluginPaths: try Self.paths())
        } throws: { "\($0)".contains("e: create returned RV_FATAL: config 'label.upper': expected true or false, got 'maybe'") }
    }

    /// Event-time timers fire in (time, key) order once the watermark passes them, the rest at the end of
    /// input (watermark Int64.max), before flush; `onWatermark` sees the watermark; new records are emitted
    /// from timers and flush.
    @Test func timersWatermarksAndNewRecords() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k\n0,a\n5,b\n8,a\n3,a\n40,c\n")
        let plan = try t.plan(
            """
            plugins: { p: { library: sdk_probe } }
            sources:
              s: { type: file, path: in.csv, schema: { ts: i64, k: string }, key: k, time: { type: event, field: ts } }
            operators:
              tick: { plugin: p, operator: ticker, config: { after: 10 } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> tick, tick -> out]
            """, extraPluginPaths: try Self.paths())
        _ = try plan.run()
        let end = Int64.max
        #expect(t.read("out.csv") == "key,fired_at,watermark\na,10,40\na,13,40\nb,15,40\na,18,40\nc,50,\(end)\nend,40,\(end)\n")
        let watermarks = plan.metricsSnapshot().instances.first { $0.node == "tick" }?.pluginCounters.first { $0.name == "watermarks" }?.value
        #expect((watermarks ?? 0) >= 1)
    }

    /// A Swift aggregate in a window, with a Swift function as the event-time extractor; a record the
    /// function refuses is dead-lettered with its reason.
    @Test func aggregatesAndExtractorFunctions() throws {
        let t = TopologyRunner()
        t.write("in.csv", "secs,k,x\n0.5,a,2\n1.2,a,7\n3.0,a,4\n12.0,a,1\n-1,a,5\n")
        let summary = try t.run(
            """
            plugins: { p: { library: sdk_probe } }
            sources:
              s:
                type: file
                path: in.csv
                schema: { secs: f64, k: string, x: f64 }
                time: { type: event, extractor: p.seconds_to_ms, arguments: [secs] }
            operators:
              w: { window: tumbling, size: 10s, key_by: k, aggregates: { s: p.span(x) } }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [s -> w, w.out -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """, extraPluginPaths: try Self.paths())
        #expect(t.read("out.csv") == "a,0,10000,5.0\na,10000,20000,0.0\n")
        #expect(summary.deadLetters == 1)
        #expect(t.read("dead.jsonl").contains("seconds_to_ms: negative time -1.0"))
    }

    /// The library-wide initializer reads the plugin's own config (structured) and may refuse the library.
    @Test func aLibraryInitializerReadsThePluginConfig() throws {
        let t = TopologyRunner()
        t.write("in.csv", "k,v\na,1\n")
        let refused = Self.enrich("{ multiply: 2 }").replacingOccurrences(
            of: "plugins: { p: { library: sdk_probe } }", with: "plugins: { p: { library: sdk_probe, config: { refuse: { because: told so } } } }")
        #expect {
            try t.run(refused, extraPluginPaths: try Self.paths())
        } throws: { "\($0)".contains("sdk_probe refuses to load: told so") }
        _ = try t.run(Self.enrich("{ multiply: 2 }"), extraPluginPaths: try Self.paths())
        #expect(t.read("out.csv") == "k,v,scaled,label,big\na,1.0,2.0,a,false\n")
    }
}

/// rv_std_swift's `dedupe` (examples/duplicate-deliveries): a store opened in create, event-time timers.
@Suite struct DedupeTests {
    /// The same decisions whatever the batches (one record each, or all at once), and the timers empty
    /// the store: once the watermark has passed every first delivery + ttl, no id is left.
    @Test(arguments: [1, 3, 1024])
    func decidesByTimeNotByBatchesAndForgets(batchSize: Int) throws {
        let example = Fixtures.repositoryRoot + "/examples/duplicate-deliveries"
        let t = TopologyRunner()
        t.write("deliveries.csv", Fixtures.read(example + "/deliveries.csv"))
        let plan = try t.plan(
            Fixtures.read(example + "/manifest.yaml"),
            overrides: [
                "sources.deliveries.batch_size=\(batchSize)", "sinks.unique.path=unique.csv", "sinks.duplicates.path=duplicates.csv",
                "dead_letters.path=dead.jsonl",
            ])
        _ = try plan.run()
        #expect(t.read("unique.csv") == Fixtures.read(example + "/expected-unique.csv"))
        #expect(t.read("duplicates.csv") == Fixtures.read(example + "/expected-duplicates.csv"))
        let snapshot = plan.metricsSnapshot()
        #expect(snapshot.stores.first { $0.name == "seen" }?.keys == 0, "every id was forgotten by its timer")
        let repeats = snapshot.instances.first { $0.node == "first_only" }?.pluginCounters.first { $0.name == "duplicates" }?.value
        #expect(repeats == 5)
    }
}
