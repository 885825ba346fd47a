// CrashGuardTests: plugin code that crashes (SIGSEGV, SIGFPE, abort, SIGBUS, SIGTRAP; operators, aggregates, functions) ends the run with one line naming the plugin code, where it runs, and the records, and exit status 5.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct CrashGuardTests {
    static func run(_ config: String, parallelism: Int = 1) throws -> RivuletProcess {
        let folder = Fixtures.temporaryDirectory("rivulet-crash")
        let library = try Fixtures.plugin("crash")
        Fixtures.write("id,status\n" + (1...3000).map { "\($0),\($0 == 2500 ? "boom" : "ok")\n" }.joined(), to: folder + "/orders.csv")
        Fixtures.write(
            """
            plugins:
              c: { path: \(library) }
            sources:
              orders: { type: file, path: orders.csv, schema: { id: i64, status: string }, batch_size: 1000 }
            operators:
              k: { plugin: c, operator: crash, config: \(config), parallelism: \(parallelism) }
            sinks:
              out: { type: file, path: out.csv }
            edges: [orders -> k, k -> out]
            """, to: folder + "/m.yaml")
        return try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
    }

    @Test(arguments: [
        ("segv", "SIGSEGV (invalid memory access)"), ("fpe", "SIGFPE (arithmetic error, such as a division by zero)"),
        ("abort", "SIGABRT (abort)"), ("bus", "SIGBUS (bad memory access)"), ("trap", "SIGTRAP (a trap or breakpoint instruction)"),
        // A stack overflow faults on the guard page: the handler runs on the task thread's alternate stack.
        ("stack", "SIGSEGV (invalid memory access)"),
    ])
    func aCrashInProcessNamesThePluginOperatorAndRecords(how: String, signal: String) throws {
        let result = try Self.run("{ on: boom, how: \(how) }")
        #expect(result.status == 5, "\(result.ending): \(result.stderr)")
        let library = try Fixtures.plugin("crash")
        // The third batch holds lines 2002–3001 of the file (line 1 is the header); record 2500 is line 2501.
        #expect(
            result.stderr.contains(
                "rivulet: plugin crashed: \(signal) in process of operator 'k' (crash of \(library)), instance 0, processing 1000 records: orders.csv:2002 to orders.csv:3001\n"
            ), "\(result.stderr)")
        #expect(!result.stderr.contains("Program crashed"), "one line, not a backtrace: \(result.stderr)")
    }

    @Test func aCrashOutsideProcessNamesItsCallback() throws {
        let result = try Self.run("{ how: segv, when: flush }")
        #expect(result.status == 5, "\(result.stderr)")
        #expect(
            result.stderr.contains("rivulet: plugin crashed: SIGSEGV (invalid memory access) in flush of operator 'k' (crash of "), "\(result.stderr)"
        )
        #expect(result.stderr.contains("), instance 0\n"), "no records in flush: \(result.stderr)")
    }

    @Test func theInstanceIsNamed() throws {
        let result = try Self.run("{ how: segv, when: flush }", parallelism: 2)
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("in flush of operator 'k#0'") || result.stderr.contains("in flush of operator 'k#1'"), "\(result.stderr)")
        #expect(result.stderr.contains("), instance 0") || result.stderr.contains("), instance 1"))
    }

    /// A C function called through libffi that crashes (libc's abort): the function, its library, the
    /// operator and the batch's lines.
    @Test func aCrashInAnFFIFunctionNamesIt() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-crash-ffi")
        Fixtures.write("id\n1\n2\n3\n", to: folder + "/in.csv")
        Fixtures.write(
            """
            sources:
              s: { type: file, path: in.csv, schema: { id: i64 } }
            operators:
              f:
                function: { library: libc.so.6, symbol: abort, args: [], returns: i32 }
                arguments: []
                output: never
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> f, f -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
        #expect(result.status == 5, "\(result.ending): \(result.stderr)")
        #expect(
            result.stderr.contains(
                "rivulet: plugin crashed: SIGABRT (abort) in a call of function 'abort' of libc.so.6 (operator 'f'), processing 3 records: in.csv:2 to in.csv:4\n"
            ), "\(result.stderr)")
    }

    /// A plugin aggregate (in a window) and a plugin function (a source's time extractor) are marked a
    /// record at a time: the line names the aggregate or function, where it is used, and the record.
    @Test func aCrashInAPluginAggregateOrFunctionNamesTheRecord() throws {
        let library = try Fixtures.plugin("crash")
        let folder = Fixtures.temporaryDirectory("rivulet-crash-aggregate")
        Fixtures.write("id,ts\n" + (1...3000).map { "\($0),\($0)\n" }.joined(), to: folder + "/in.csv")
        let manifest = { (time: String, aggregate: String) in
            """
            plugins: { c: { path: \(library) } }
            sources:
              s: { type: file, path: in.csv, schema: { id: i64, ts: i64 }, time: \(time) }
            operators:
              w: { window: tumbling, size: 1s, aggregates: { total: \(aggregate) } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> w, w.out -> out]
            """
        }
        let cases = [
            (
                manifest("{ type: event, field: ts }", "c.crash_sum(id)"),
                "add of aggregate 'crash_sum' of \(library) (window 'w', output 'total')"
            ),
            (
                manifest("{ type: event, extractor: c.crash_time, arguments: [ts] }", "count()"),
                "call of function 'crash_time' of \(library) (the time extractor of source 's')"
            ),
        ]
        for (text, what) in cases {
            Fixtures.write(text, to: folder + "/m.yaml")
            let result = try RivuletProcess.run(["run", folder + "/m.yaml"], deadline: 120)
            #expect(result.status == 5, "\(result.ending): \(result.stderr)")
            #expect(
                result.stderr.contains("rivulet: plugin crashed: SIGSEGV (invalid memory access) in \(what), processing 1 record: in.csv:2501\n"),
                "\(result.stderr)")
        }
    }
}
