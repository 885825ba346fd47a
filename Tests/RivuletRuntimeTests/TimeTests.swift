// TimeTests: timers through the host API, plugin aggregates, idle inputs, multi-input watermarks, clocks.
import Foundation
import RivuletManifest
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct TimeTests {
    static func timersFolder() throws -> String { (try Fixtures.plugin("timers") as NSString).deletingLastPathComponent }

    @Test(arguments: [1, 1024])
    func eventTimeTimersFireInOrderWhenTheWatermarkPassesThem(batchSize: Int) throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k\n10,a\n5,b\n7,c\n30,a\n")
        _ = try t.run(
            """
            plugins: { timers: { library: timers } }
            sources:
              s:
                type: file
                path: in.csv
                schema: { ts: i64, k: string }
                key: k
                time: { type: event, field: ts }
                batch_size: \(batchSize)
            operators:
              r: { plugin: timers, operator: remind, config: { delay: 5, cancel: c } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> r, r -> out]
            """, extraPluginPaths: [try Self.timersFolder()])
        // Timers a@15, b@10, (c@12 deleted), a@35. Watermark 30 fires b@10 then a@15; the end fires a@35.
        #expect(t.read("out.csv") == "key,at,watermark\nb,10,30\na,15,30\na,35,9223372036854775807\n")
    }

    /// A `timestamp` field written as RFC 3339 text, used as event time with or without `format:
    /// rfc3339`: every record goes through (none dead-lettered) and windows see their times.
    @Test(arguments: ["", ", format: rfc3339"])
    func anRFC3339TimestampFieldIsEventTime(format: String) throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,v\n2026-01-01T00:00:00Z,1\n2026-01-01T00:00:05Z,2\n2026-01-01T00:00:11Z,4\n")
        let summary = try t.run(
            """
            sources:
              s: { type: file, path: in.csv, schema: { ts: timestamp, v: i64 }, time: { type: event, field: ts\(format) } }
            operators:
              w: { window: tumbling, size: 10s, aggregates: { total: sum(v) } }
            sinks:
              out: { type: file, path: out.csv, fields: [window_start, total] }
            edges: [s -> w, w.out -> out]
            """)
        #expect(summary.deadLetters == 0)
        #expect(t.read("out.csv") == "window_start,total\n1767225600000,3\n1767225610000,4\n")
    }

    @Test func processingTimeTimersFireOnTheClock() throws {
        let t = TopologyRunner()
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try t.run(
            """
            plugins: { timers: { library: timers } }
            sources:
              g: { type: generator, count: 4, rate: 10, keys: 1 }
            operators:
              r: { plugin: timers, operator: remind, config: { delay: 100, domain: processing } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [g -> r, r -> out]
            """, extraPluginPaths: [try Self.timersFolder()])
        // The generator runs ~300 ms; the timer set at the first record + 100 ms fires during the run.
        let lines = t.read("out.csv").split(separator: "\n")
        #expect(lines.count == 2)
        let at = Int64(lines[1].split(separator: ",")[1])!
        #expect(at >= before + 100 && at < before + 5000)
    }

    /// An event-time timer needs event time: behind a source without `time:` (its records get the wall
    /// clock) the first event-time timer stops the run, naming the operator, the source and both fixes;
    /// a processing-time timer there is fine, and `time: { type: processing }` is an answer.
    @Test func anEventTimeTimerBehindASourceWithoutTimeStopsTheRun() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k\n1,a\n2,b\n")
        let manifest = { (time: String, domain: String) in
            """
            plugins: { timers: { library: timers } }
            sources:
              s: { type: file, path: in.csv, schema: { ts: i64, k: string }, key: k\(time) }
            operators:
              r: { plugin: timers, operator: remind, config: { delay: 5, domain: \(domain) } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> r, r -> out]
            """
        }
        #expect {
            try t.run(manifest("", "event"), extraPluginPaths: [try Self.timersFolder()])
        } throws: {
            let text = "\($0)"
            return text.contains("timer_register: operator 'r' set an event-time timer, but source 's' does not say which time (")
                && text.contains("add time: { type: event, field: <its time field> }") && text.contains("time: { type: processing }")
        }
        // Both run to the end: the event-time timers fire at the end of the input (watermark max).
        _ = try t.run(manifest("", "processing"), extraPluginPaths: [try Self.timersFolder()])
        _ = try t.run(manifest(", time: { type: processing }", "event"), extraPluginPaths: [try Self.timersFolder()])
        #expect(t.read("out.csv").split(separator: "\n").count == 3)
    }

    @Test func registeringATimerWithoutOnTimerIsRefused() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k\n1,a\n")
        #expect {
            try t.run(
                """
                plugins: { timers: { library: timers } }
                sources:
                  s: { type: file, path: in.csv, schema: { ts: i64, k: string } }
                operators:
                  r: { plugin: timers, operator: no_timers }
                sinks:
                  out: { type: null }
                edges: [s -> r, r -> out]
                """, extraPluginPaths: [try Self.timersFolder()])
        } throws: { "\($0)".contains("timer_register refused") }
    }

    @Test func aPluginAggregateRunsInSessionWindows() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k,x\n0,a,5\n5,a,-2\n24,a,1.5\n14,a,9\n100,b,3\n")
        _ = try t.run(
            """
            plugins: { std: { library: rv_std_c } }
            sources:
              s:
                type: file
                path: in.csv
                schema: { ts: i64, k: string, x: f64 }
                time: { type: event, field: ts, max_out_of_order: 20ms }
            operators:
              w:
                window: session
                gap: 10ms
                key_by: k
                aggregates: { n: count(), spread: std.spread(x) }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> w, w.out -> out]
            """)
        // a: [0,15) {5,-2} and [24,34) {1.5} merge through 14 {9}: spread 9 - (-2) = 11 (the merge callback).
        #expect(t.read("out.csv") == "k,window_start,window_end,n,spread\na,0,34,4,11.0\nb,100,110,1,0.0\n")
    }

    @Test func anUnknownPluginAggregateIsAPlanError() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,x\n1,2\n")
        func manifest(_ aggregate: String) -> String {
            """
            plugins: { std: { library: rv_std_c } }
            sources:
              s: { type: file, path: in.csv, schema: { ts: i64, x: f64 }, time: { type: event, field: ts } }
            operators:
              w: { window: tumbling, size: 10ms, aggregates: { m: \(aggregate) } }
            sinks:
              out: { type: null }
            edges: [s -> w, w.out -> out]
            """
        }
        #expect {
            try t.run(manifest("std.median(x)"))
        } throws: { "\($0)".contains("aggregate 'm': plugin 'rv_std_c'") && "\($0)".contains("has no aggregate 'median'; it has: spread") }
        // A typo of one it has: the closest is offered.
        #expect {
            try t.run(manifest("std.sprad(x)"))
        } throws: { "\($0)".contains("has no aggregate 'sprad'; it has: spread; did you mean 'spread'?") }
    }

    /// Source `quiet` sends one record, then nothing for a second, while the file source ends at once:
    /// without an idle timeout the window's watermark waits for `quiet`, so its second record joins the
    /// first in their window.
    @Test func aSilentInputHoldsBackTheWatermarkWithoutAnIdleTimeout() throws {
        let t = TopologyRunner()
        let start = 1_704_067_200_000
        t.write("in.csv", "key,seq,value,ts\nx,0,1,\(start + 5)\nx,1,1,\(start + 2500)\n")
        _ = try t.run(Self.quietManifest(rate: "1", idle: ""))
        #expect(t.read("late.csv") == "key,seq,value,ts\n")
        #expect(t.read("out.csv").contains("key-0,\(start),\(start + 1000),2"))
    }

    /// The same with `idle_timeout: 200ms`, and `quiet`'s second record due 100 s after its first: once
    /// `quiet` has been silent for the timeout, the window's watermark stops waiting for it and follows
    /// the file source (which has ended: its last watermark), firing the window of `x`. The test waits for
    /// that — the window's watermark past the window while `quiet` has sent one record — then stops the
    /// run; it checks when it happened, not how fast (a deadline of 60 s only ends a broken test).
    @Test func anIdleInputStopsHoldingBackTheWatermark() throws {
        let t = TopologyRunner()
        let start = 1_704_067_200_000
        t.write("in.csv", "key,seq,value,ts\nx,0,1,\(start + 5)\nx,1,1,\(start + 2500)\n")
        let plan = try t.plan(Self.quietManifest(rate: "0.01", idle: ", idle_timeout: 200ms"))
        var released = false
        let deadline = Deadline(seconds: 60)
        _ = try plan.run(progressInterval: 0.01) { _ in
            let snapshot = plan.metricsSnapshot()
            let quietRead = snapshot.instances.first { $0.node == "quiet" }?.recordsIn ?? 0
            let watermark = snapshot.instances.first { $0.node == "w" }?.watermark ?? .min
            if quietRead == 1 && watermark >= Int64(start + 1000) { released = true }
            if released || deadline.hasPassed { plan.requestStop() }
        }
        #expect(released, "the window's watermark passed the window while the idle input had sent only its first record")
        #expect(t.read("out.csv").contains("x,\(start),\(start + 1000),1"))
    }

    /// `file` (ended at once) and `quiet` (a generator of 2 records at `rate` per second) into a 1 s window.
    static func quietManifest(rate: String, idle: String) -> String {
        """
        sources:
          file:
            type: file
            path: in.csv
            schema: { key: string, seq: i64, value: i64, ts: timestamp }
            time: { type: event, field: ts }
          quiet:
            type: generator
            count: 2
            rate: \(rate)
            keys: 1
            time: { type: event, field: ts\(idle) }
        operators:
          w: { window: tumbling, size: 1s, key_by: key, aggregates: { n: count() } }
        sinks:
          out: { type: file, path: out.csv }
          late: { type: file, path: late.csv }
        edges: [file -> w, quiet -> w, w.out -> out, w.late -> late]
        """
    }

    /// Two inputs: records of the fast one may not raise the window's watermark above the slow one's,
    /// whatever the interleaving, so nothing from the slow one is ever late.
    @Test func aRecordNeverRunsAheadOfTheOtherInputsWatermark() throws {
        for _ in 0..<10 {
            let t = TopologyRunner()
            t.write("fast.csv", "ts,k\n100,a\n200,a\n300,a\n")
            t.write("slow.csv", "ts,k\n1,b\n2,b\n")
            _ = try t.run(
                """
                sources:
                  fast: { type: file, path: fast.csv, schema: { ts: i64, k: string }, time: { type: event, field: ts }, batch_size: 1 }
                  slow: { type: file, path: slow.csv, schema: { ts: i64, k: string }, time: { type: event, field: ts }, batch_size: 1 }
                operators:
                  w: { window: tumbling, size: 10ms, key_by: k, aggregates: { n: count() } }
                sinks:
                  out: { type: file, path: out.csv }
                  late: { type: file, path: late.csv }
                edges: [fast -> w, slow -> w, w.out -> out, w.late -> late]
                """, batchSize: 1, ringCapacity: 1)
            #expect(t.read("late.csv") == "ts,k\n")
            #expect(t.read("out.csv") == "k,window_start,window_end,n\nb,0,10,2\na,100,110,1\na,200,210,1\na,300,310,1\n")
        }
    }

    @Test func processingTimeStampsRecordsWithTheClock() throws {
        let t = TopologyRunner()
        t.write("in.csv", "k\na\na\nb\n")
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try t.run(
            """
            sources:
              s: { type: file, path: in.csv, schema: { k: string }, time: { type: processing } }
            operators:
              w: { window: tumbling, size: 1d, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [s -> w, w.out -> out]
            """)
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        let fields = t.read("out.csv").split(separator: "\n")[0].split(separator: ",").map { Int64($0)! }
        #expect(fields[2] == 3)
        #expect(fields[0] == before - before % 86_400_000 || fields[0] == after - after % 86_400_000)
    }
}

@Suite struct SwiftTimerTests {
    @Test func aSwiftOperatorUsesEventTimeTimersAndEmitsNewRecords() throws {
        let t = TopologyRunner()
        // Timeout 10: a's timer moves from 10 to 18 when a@8 arrives; b's is 15; c@40 raises the watermark
        // to 40, firing b@15 then a@18; c's fires at the end (the final watermark).
        t.write("in.csv", "ts,k\n0,a\n5,b\n8,a\n3,a\n40,c\n")
        _ = try t.run(
            """
            plugins: { sw: { library: rv_std_swift } }
            sources:
              s: { type: file, path: in.csv, schema: { ts: i64, k: string }, key: k, time: { type: event, field: ts } }
            operators:
              quiet: { plugin: sw, operator: silence, config: { timeout: 10 } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> quiet, quiet -> out]
            """)
        #expect(t.read("out.csv") == "key,last_seen,silent_at\nb,5,15\na,8,18\nc,40,50\n")
    }
}

@Suite struct SwiftAggregateTests {
    /// One window with a C aggregate (rv_std_c's spread) and a Swift one (rv_std_swift's geomean), in
    /// sessions that merge (the Swift merge callback) — plugins of both languages in one operator.
    @Test func cAndSwiftAggregatesInOneSessionWindow() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k,x\n0,a,2\n5,a,-1\n24,a,8\n14,a,4\n100,b,3\n")
        _ = try t.run(
            """
            plugins:
              std: { library: rv_std_c }
              sw: { library: rv_std_swift }
            sources:
              s:
                type: file
                path: in.csv
                schema: { ts: i64, k: string, x: f64 }
                time: { type: event, field: ts, max_out_of_order: 20ms }
            operators:
              w:
                window: session
                gap: 10ms
                key_by: k
                aggregates: { n: count(), spread: std.spread(x), g: sw.geomean(x) }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [s -> w, w.out -> out]
            """)
        let rows = t.read("out.csv").split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 2)
        // a: one session [0, 34) after the merge; spread 8 − (−1) = 9; geomean of 2, 8, 4 (−1 skipped) = 4.
        #expect(Array(rows[0].prefix(5)) == ["a", "0", "34", "4", "9.0"])
        #expect(abs(Double(rows[0][5])! - 4.0) < 1e-12)
        #expect(Array(rows[1].prefix(5)) == ["b", "100", "110", "1", "0.0"])
        #expect(abs(Double(rows[1][5])! - 3.0) < 1e-12)
    }
}

@Suite struct ClockAndExtractorTests {
    /// Records stamped by the clock share milliseconds; none may be late because the watermark reached
    /// the millisecond they were stamped in (the clock watermark is max − B − 1).
    @Test func processingTimeRecordsAreNeverLate() throws {
        let t = TopologyRunner()
        t.write("in.csv", "k\n" + String(repeating: "a\n", count: 300_000))
        let summary = try t.run(
            """
            sources:
              s: { type: file, path: in.csv, schema: { k: string }, time: { type: processing }, batch_size: 64 }
            operators:
              w: { window: tumbling, size: 1ms, key_by: k, aggregates: { n: count() } }
            sinks:
              out: { type: null }
            edges: [s -> w, w.out -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """)
        #expect(summary.deadLetters == 0)
        #expect(summary.windows.first?.late == 0)
    }

    @Test func anExtractorRefusingARecordDeadLettersItAndOneFailingStopsTheRun() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,tag\n1,ok\n2,skip\n3,ok\n")
        let folder = (try Fixtures.plugin("timers") as NSString).deletingLastPathComponent
        let manifest = """
            plugins: { t: { library: timers } }
            sources:
              s:
                type: file
                path: in.csv
                schema: { ts: i64, tag: string }
                time: { type: event, extractor: t.broken_clock, arguments: [ts, tag] }
            operators:
              w: { window: tumbling, size: 10ms, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> w, w.out -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """
        let summary = try t.run(manifest, extraPluginPaths: [folder])
        #expect(summary.deadLetters == 1)
        #expect(t.read("dead.jsonl").contains("in.csv:3: event time from t.broken_clock: broken_clock: not this one"))
        #expect(t.read("out.csv") == "window_start,window_end,n\n0,10,2\n")
        t.write("in.csv", "ts,tag\n1,ok\n2,stop\n")
        #expect {
            try t.run(manifest, extraPluginPaths: [folder])
        } throws: { "\($0)".contains("broken_clock: the clock is gone") }
    }

    @Test func aQuotedCellSpanningLinesDoesNotHoldBackEarlierRecords() throws {
        let run = try StreamingTests.whilePipeIsOpen(
            """
            sources:
              in: { type: stdin, format: csv, header: false, schema: { n: i64, s: string } }
            sinks:
              out: { type: stdout, format: csv, header: false }
            edges: [in -> out]
            """, input: "1,x\n2,\"a\n", until: { $0.count >= 4 })
        #expect(run.stillRunning, "1,x came out while the quoted cell was still open")
        #expect(run.output.hasPrefix("1,x\n"))
    }
}
