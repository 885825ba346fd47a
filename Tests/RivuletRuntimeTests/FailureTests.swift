// FailureTests: records that fail are dead-lettered with their reason and the run goes on; fatal
// errors stop the run with the plugin's message; bad topologies are refused with their location.
import Foundation
import RivuletManifest
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct FailureTests {
    static let orders = """
        id,status
        1,ok
        2,bad
        3,ok
        4,bad
        5,ok

        """

    func manifest(bad: String = "bad", fatal: String = "none", retry: Int = 0, errorsEdge: Bool = false) -> String {
        """
        plugins:
          flaky: { library: flaky }
        sources:
          orders: { type: file, path: orders.csv, schema: { id: i64, status: string } }
        operators:
          check: { plugin: flaky, operator: fail_on, config: { bad: \(bad), fatal: \(fatal), retry: \(retry), retry_on: bad } }
        sinks:
          out: { type: file, path: out.csv }
        \(errorsEdge ? "  rejects: { type: file, path: rejects.csv }" : "")
        edges:
          - orders -> check
          - check -> out
        \(errorsEdge ? "  - check.errors -> rejects" : "")
        dead_letters: { type: file, path: dead.jsonl }
        """
    }

    @Test func erroredRecordsAreDeadLetteredAndTheRunContinues() throws {
        let t = TopologyRunner()
        t.write("orders.csv", Self.orders)
        let flaky = (try Fixtures.plugin("flaky") as NSString).deletingLastPathComponent
        let summary = try t.run(manifest(), extraPluginPaths: [flaky])
        #expect(t.read("out.csv") == "id,status\n1,ok\n3,ok\n5,ok\n")
        #expect(
            t.read("dead.jsonl") == """
                {"node":"check","reason":"flaky: status is bad","record":{"id":2,"status":"bad"}}
                {"node":"check","reason":"flaky: status is bad","record":{"id":4,"status":"bad"}}

                """)
        #expect(summary.deadLetters == 2)
    }

    @Test func errorsPortCarriesTheReasonAsFields() throws {
        let t = TopologyRunner()
        t.write("orders.csv", Self.orders)
        let flaky = (try Fixtures.plugin("flaky") as NSString).deletingLastPathComponent
        let summary = try t.run(manifest(errorsEdge: true), extraPluginPaths: [flaky])
        #expect(
            t.read("rejects.csv") == """
                id,status,_error_node,_error_reason
                2,bad,check,flaky: status is bad
                4,bad,check,flaky: status is bad

                """)
        #expect(!FileManager.default.fileExists(atPath: t.path("dead.jsonl")), "nothing reached the run's dead letters")
        #expect(summary.deadLetters == 2)
    }

    /// Exit status 3 when some records were dead-lettered; 4, with a loud line, when all were (nothing
    /// reached a sink: the input does not match the manifest).
    @Test func aRunWhoseEveryRecordWasDeadLetteredExits4AndSaysSo() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-all-dead")
        Fixtures.write(
            """
            sources:
              s: { type: file, path: in.csv, header: false, schema: { n: i64, m: i64 } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """, to: folder + "/m.yaml")
        Fixtures.write("a,b\nx,y\nz,w\n", to: folder + "/in.csv")
        let all = try RivuletProcess.run(["run", folder + "/m.yaml"])
        #expect(all.status == 4, "\(all.stderr)")
        #expect(all.stderr.contains("rivulet: warning: every record was dead-lettered (3): nothing reached a sink"), "\(all.stderr)")
        Fixtures.write("1,2\nx,y\n", to: folder + "/in.csv")
        let some = try RivuletProcess.run(["run", folder + "/m.yaml"])
        #expect(some.status == 3, "\(some.stderr)")
        #expect(!some.stderr.contains("every record was dead-lettered"), "\(some.stderr)")
    }

    /// Without a `dead_letters` sink, stderr shows the first 10 dead letters, then how many more there
    /// were and how to keep them all — not one line per bad record.
    @Test func deadLettersOnStderrAreCappedWithACount() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-dead-cap")
        Fixtures.write(
            """
            sources:
              s: { type: file, path: in.csv, header: false, schema: { n: i64 } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> out]
            """, to: folder + "/m.yaml")
        Fixtures.write((1...500).map { $0 % 2 == 0 ? "\($0)\n" : "bad\($0)\n" }.joined(), to: folder + "/in.csv")
        let run = try RivuletProcess.run(["run", folder + "/m.yaml"])
        #expect(run.status == 3, "\(run.stderr)")
        let letters = run.stderr.split(separator: "\n").filter { $0.hasPrefix("{\"node\"") }
        #expect(letters.count == 10)
        #expect(letters.first?.contains("in.csv:1:") == true && letters.last?.contains("in.csv:19:") == true, "\(letters)")
        #expect(run.stderr.contains("records in: 500  out: 250  dead-lettered: 250"), "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "dead letters: the first 10 written to stderr, 240 more not shown; keep every one with `dead_letters: { type: file, path: dead-letters.jsonl }`"
            ), "\(run.stderr)")
        #expect(Fixtures.read(folder + "/out.csv").split(separator: "\n").count == 251)
    }

    @Test func malformedInputIsDeadLetteredWithFileAndLine() throws {
        let t = TopologyRunner()
        t.write("orders.csv", "id,status\n1,ok\nx,ok\n3,ok\n")
        let flaky = (try Fixtures.plugin("flaky") as NSString).deletingLastPathComponent
        _ = try t.run(manifest(), extraPluginPaths: [flaky])
        #expect(t.read("out.csv") == "id,status\n1,ok\n3,ok\n")
        #expect(t.read("dead.jsonl") == "{\"node\":\"orders\",\"reason\":\"orders.csv:3: field 'id': 'x' is not a valid i64\",\"raw\":\"x,ok\"}\n")
    }

    @Test func fatalErrorStopsTheRunWithThePluginsMessage() throws {
        let t = TopologyRunner()
        t.write("orders.csv", Self.orders)
        let flaky = (try Fixtures.plugin("flaky") as NSString).deletingLastPathComponent
        let plan = try t.plan(manifest(bad: "none", fatal: "bad"), extraPluginPaths: [flaky])
        #expect {
            try plan.run()
        } throws: { error in
            "\(error)" == "check: process returned RV_FATAL: flaky: fatal record"
        }
    }

    @Test func retriedRecordsResumeWhereTheyStoppedWithoutDuplicates() throws {
        let t = TopologyRunner()
        t.write("orders.csv", Self.orders)
        let flaky = (try Fixtures.plugin("flaky") as NSString).deletingLastPathComponent
        let summary = try t.run(manifest(bad: "none", retry: 3), extraPluginPaths: [flaky])
        #expect(t.read("out.csv") == "id,status\n1,ok\n2,bad\n3,ok\n4,bad\n5,ok\n")
        #expect(summary.deadLetters == 0)
    }

    @Test func retriesGiveUpAfterTheLimit() throws {
        let t = TopologyRunner()
        t.write("orders.csv", Self.orders)
        let flaky = (try Fixtures.plugin("flaky") as NSString).deletingLastPathComponent
        let plan = try t.plan(manifest(bad: "none", retry: 100), extraPluginPaths: [flaky])
        #expect {
            try plan.run()
        } throws: { error in
            "\(error)" == "check: process still returned RV_RETRY after 5 retries: flaky: try again"
        }
    }

    @Test func unknownOperatorIsLocated() throws {
        let t = TopologyRunner()
        #expect {
            try t.plan(
                """
                plugins:
                  c: { library: rv_std_c }
                sources:
                  gen: { type: generator, count: 1 }
                operators:
                  m: { plugin: c, operator: mask_cards, config: { field: key } }
                sinks:
                  out: { type: null }
                edges:
                  - gen -> m
                  - m -> out
                """)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("\(t.path("manifest.yaml")):6:") && text.contains("has no operator 'mask_cards'; it has: mask, filter")
        }
    }

    @Test func unknownPortIsLocatedAtTheEdge() throws {
        let t = TopologyRunner()
        #expect {
            try t.plan(
                """
                plugins:
                  c: { library: rv_std_c }
                sources:
                  gen: { type: generator, count: 1 }
                operators:
                  f: { plugin: c, operator: filter, config: { field: value, op: lt, value: 1 } }
                sinks:
                  out: { type: null }
                edges:
                  - gen -> f
                  - f.rejectd -> out
                """)
        } throws: { error in
            "\(error)".hasPrefix("\(t.path("manifest.yaml")):11:")
                && "\(error)".contains("'f' has no output port 'rejectd' (ports: out, rejected, errors)")
        }
    }

    @Test func missingPluginAndBadFunctionAreLocated() throws {
        let t = TopologyRunner()
        #expect {
            try t.plan(
                """
                plugins:
                  nope: { library: does_not_exist }
                sources:
                  gen: { type: generator, count: 1 }
                sinks:
                  out: { type: null }
                edges:
                  - gen -> out
                """)
        } throws: { error in
            "\(error)".hasPrefix("\(t.path("manifest.yaml")):2:") && "\(error)".contains("plugin libdoes_not_exist.so: not found (searched:")
        }
        #expect {
            try t.plan(
                """
                sources:
                  gen: { type: generator, count: 1 }
                operators:
                  f:
                    function: { library: libm.so.6, symbol: no_such_fn, args: [f64], returns: f64 }
                    arguments: [value]
                    output: y
                sinks:
                  out: { type: null }
                edges:
                  - gen -> f
                  - f -> out
                """)
        } throws: { error in
            "\(error)".hasPrefix("\(t.path("manifest.yaml")):4:") && "\(error)".contains("no symbol [no_such_fn] in libm.so.6")
        }
    }
}
