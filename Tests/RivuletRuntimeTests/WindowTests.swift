// WindowTests: exact outputs of every window kind on hand-written inputs with out-of-order and late records.
import Foundation
import RivuletTestSupport
import Testing

/// Each case was worked out by hand (the watermark before each record is in the comments) and agrees with
/// tools/window_reference.py, the independent Python reference.
@Suite struct WindowTests {
    /// Runs `window` (the window operator's YAML body) over `input` (`ts,k,v`) with bound `bound` ms, and
    /// returns (results, late records).
    static func run(_ input: String, bound: Int, _ window: String, ops: Bool = false, batchSize: Int = 1024) throws -> (String, String) {
        let t = TopologyRunner()
        t.write("in.csv", input)
        _ = try t.run(
            """
            sources:
              events:
                type: file
                path: in.csv
                schema: { ts: i64, k: string, v: i64 }
                time: { type: event, field: ts, max_out_of_order: \(bound)ms }
                batch_size: \(batchSize)
            operators:
              w:
            \(window.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                key_by: k
                aggregates: { count: count(), sum: sum(v) }
            sinks:
              out: { type: file, path: out.csv, ops: \(ops) }
              late: { type: file, path: late.csv }
            edges: [events -> w, w.out -> out, w.late -> late]
            """)
        return (t.read("out.csv"), t.read("late.csv"))
    }

    @Test(arguments: [1, 2, 1024])
    func tumblingFiresWhenTheWatermarkReachesEndMinusOne(batchSize: Int) throws {
        // ts 1 [W=-inf], 12 [W=-1], 8 [W=10: fires a[0,10) first, so 8 is late], 11 b [W=10], 9 b [late],
        // 21 [W=10], 19 b [W=19: fires [10,20) for a and b, so 19 is late]; the end fires a[20,30).
        let (out, late) = try Self.run(
            "ts,k,v\n1,a,1\n12,a,2\n8,a,4\n11,b,8\n9,b,16\n21,a,32\n19,b,64\n", bound: 2,
            "window: tumbling\nsize: 10ms", batchSize: batchSize)
        #expect(out == "k,window_start,window_end,count,sum\na,0,10,1,1\na,10,20,1,2\nb,10,20,1,8\na,20,30,1,32\n")
        #expect(late == "ts,k,v\n8,a,4\n9,b,16\n19,b,64\n")
    }

    @Test func hoppingAddsToEveryOpenWindowAndIsLateOnlyWhenAllHaveFired() throws {
        // Windows of 10 every 5. 6 [W=12] misses [0,10) (fired at W=12) but still joins [5,15): not late.
        let (out, late) = try Self.run(
            "ts,k,v\n3,a,1\n7,a,2\n12,a,4\n6,a,8\n20,a,16\n", bound: 0,
            "window: hopping\nsize: 10ms\nadvance: 5ms")
        #expect(
            out == """
                k,window_start,window_end,count,sum
                a,-5,5,1,1
                a,0,10,2,3
                a,5,15,3,14
                a,10,20,1,4
                a,15,25,1,16
                a,20,30,1,16

                """)
        #expect(late == "ts,k,v\n")
    }

    @Test func hoppingInUpdateModeUpdatesEachWindowInOrder() throws {
        // 7 [W=3] updates [0,10) then opens [5,15); 6 [W=12] misses the fired [0,10) and updates [5,15).
        let (out, _) = try Self.run(
            "ts,k,v\n3,a,1\n7,a,2\n12,a,4\n6,a,8\n20,a,16\n", bound: 0,
            "window: hopping\nsize: 10ms\nadvance: 5ms\nemit: update", ops: true)
        #expect(
            out == """
                op,k,window_start,window_end,count,sum
                +I,a,-5,5,1,1
                +I,a,0,10,1,1
                -U,a,0,10,1,1
                +U,a,0,10,2,3
                +I,a,5,15,1,2
                -U,a,5,15,1,2
                +U,a,5,15,2,6
                +I,a,10,20,1,4
                -U,a,5,15,2,6
                +U,a,5,15,3,14
                +I,a,15,25,1,16
                +I,a,20,30,1,16

                """)
    }

    static let sessions = "ts,k,v\n0,a,1\n5,a,2\n24,a,4\n14,a,8\n100,a,16\n50,a,32\n3,b,64\n"

    @Test func sessionsMergeWhenARecordBridgesThem() throws {
        // Gap 10, bound 20: [0,15) and [24,34) are bridged by 14 ([14,24) touches both) into [0,34).
        // 50 [W=80]: [50,60) has fired, nothing live overlaps: late. 3 b [W=80]: late.
        let (out, late) = try Self.run(Self.sessions, bound: 20, "window: session\ngap: 10ms")
        #expect(out == "k,window_start,window_end,count,sum\na,0,34,4,15\na,100,110,1,16\n")
        #expect(late == "ts,k,v\n50,a,32\n3,b,64\n")
    }

    @Test func sessionsInUpdateModeRetractWhatTheyReplace() throws {
        let (out, _) = try Self.run(Self.sessions, bound: 20, "window: session\ngap: 10ms\nemit: update", ops: true)
        #expect(
            out == """
                op,k,window_start,window_end,count,sum
                +I,a,0,10,1,1
                -D,a,0,10,1,1
                +I,a,0,15,2,3
                +I,a,24,34,1,4
                -D,a,0,15,2,3
                -D,a,24,34,1,4
                +I,a,0,34,4,15
                +I,a,100,110,1,16

                """)
    }

    static let sliding = "ts,k,v\n1,a,1\n5,a,2\n3,a,4\n20,a,8\n2,a,16\n"

    @Test func slidingHasAWindowPerDistinctRecordTime() throws {
        // Size 10: the window of time t is [t-9, t+1). 3 [W=0] joins the window of 5 and gets its own;
        // 2 [W=15]: its own window has fired and no live window contains it: late.
        let (out, late) = try Self.run(Self.sliding, bound: 5, "window: sliding\nsize: 10ms")
        #expect(out == "k,window_start,window_end,count,sum\na,-8,2,1,1\na,-6,4,2,5\na,-4,6,3,7\na,11,21,1,8\n")
        #expect(late == "ts,k,v\n2,a,16\n")
    }

    @Test func slidingInUpdateMode() throws {
        let (out, _) = try Self.run(Self.sliding, bound: 5, "window: sliding\nsize: 10ms\nemit: update", ops: true)
        #expect(
            out == """
                op,k,window_start,window_end,count,sum
                +I,a,-8,2,1,1
                +I,a,-4,6,2,3
                +I,a,-6,4,2,5
                -U,a,-4,6,2,3
                +U,a,-4,6,3,7
                +I,a,11,21,1,8

                """)
    }

    @Test func graceKeepsAWindowOpenForLateRecords() throws {
        // Same input as the tumbling case with grace 5: [0,10) now closes at W >= 14, so 8 and 9 count.
        let (out, late) = try Self.run(
            "ts,k,v\n1,a,1\n12,a,2\n8,a,4\n11,b,8\n9,b,16\n21,a,32\n19,b,64\n", bound: 2,
            "window: tumbling\nsize: 10ms\ngrace: 5ms")
        #expect(out == "k,window_start,window_end,count,sum\na,0,10,2,5\nb,0,10,1,16\na,10,20,1,2\nb,10,20,2,72\na,20,30,1,32\n")
        #expect(late == "ts,k,v\n")
    }

    @Test func lateRecordsWithoutALatePortAreDeadLettered() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k,v\n1,a,1\n12,a,2\n8,a,4\n")
        let summary = try t.run(
            """
            sources:
              events:
                type: file
                path: in.csv
                schema: { ts: i64, k: string, v: i64 }
                time: { type: event, field: ts, max_out_of_order: 2ms }
            operators:
              w: { window: tumbling, size: 10ms, key_by: k, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [events -> w, w.out -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """)
        #expect(summary.deadLetters == 1)
        #expect(summary.windows.count == 1 && summary.windows[0].name == "w" && summary.windows[0].fired == 2 && summary.windows[0].late == 1)
        #expect(summary.text.contains("window w: 2 windows, 1 late records"))
        #expect(t.read("dead.jsonl").contains("late record (event time 8): its window ending at 10 closed at watermark 10 (grace 0 ms)"))
        #expect(t.read("out.csv") == "k,window_start,window_end,n\na,0,10,1\na,10,20,1\n")
    }

    @Test func unreadableEventTimesAreDeadLetteredWithFileAndLine() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k\n2026-03-01T09:00:00Z,a\nyesterday,a\n2026-03-01T09:00:01.5+01:00,b\n,a\n")
        let summary = try t.run(
            """
            sources:
              events:
                type: file
                path: in.csv
                schema: { ts: string, k: string }
                time: { type: event, field: ts, format: rfc3339, max_out_of_order: 2h }
            operators:
              w: { window: tumbling, size: 1h, key_by: k, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [events -> w, w.out -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """)
        #expect(summary.deadLetters == 2)
        let dead = t.read("dead.jsonl")
        #expect(dead.contains("in.csv:3: event time field 'ts' is not an RFC 3339 date-time: 'yesterday'"))
        #expect(dead.contains("in.csv:5: event time field 'ts' is empty"))
        // 09:00:01.5+01:00 is 08:00:01.500Z, an hour before the other record.
        #expect(t.read("out.csv") == "k,window_start,window_end,n\nb,1772352000000,1772355600000,1\na,1772355600000,1772359200000,1\n")
    }

    @Test func builtInAggregatesOverOneWindow() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,p,x,f\n1,apple,5,1.5\n2,pear,3,\n3,apple,2,2.5\n4,fig,3,0.5\n5,pear,0,4.0\n")
        _ = try t.run(
            """
            sources:
              s:
                type: file
                path: in.csv
                schema: { ts: i64, p: string, x: i64, f: f64 }
                time: { type: event, field: ts }
            operators:
              w:
                window: tumbling
                size: 10ms
                aggregates:
                  n: count()
                  total: sum(x)
                  ftotal: sum(f)
                  lo: min(x)
                  hi: max(f)
                  mean: avg(f)
                  median: percentile(x, 50)
                  top2: top(p, x, 2)
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> w, w.out -> out]
            """)
        // f is NULL once: sum/max/avg skip it (4 values). top: apple 7, pear 3, fig 3 (tie: by name).
        #expect(t.read("out.csv") == "window_start,window_end,n,total,ftotal,lo,hi,mean,median,top2\n0,10,5,13,8.5,0,4.0,2.125,3,apple=7;fig=3\n")
    }
}

@Suite struct WindowEdgeTests {
    @Test func numericKeysComeOutInNumericOrder() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k\n1,256\n2,-5\n3,1\n4,-300\n")
        _ = try t.run(
            """
            sources:
              s: { type: file, path: in.csv, schema: { ts: i64, k: i64 }, time: { type: event, field: ts } }
            operators:
              w: { window: tumbling, size: 10ms, key_by: k, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> w, w.out -> out]
            """)
        #expect(t.read("out.csv") == "k,window_start,window_end,n\n-300,0,10,1\n-5,0,10,1\n1,0,10,1\n256,0,10,1\n")
    }

    @Test func timesOutOfRangeAreDeadLetteredNotACrash() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k\n-9223372036854775808,a\n9999999999999999999,a\n9223372036854775807,a\n5,a\n")
        let summary = try t.run(
            """
            sources:
              s: { type: file, path: in.csv, schema: { ts: string, k: string }, time: { type: event, field: ts } }
            operators:
              w: { window: tumbling, size: 1024ms, key_by: k, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> w, w.out -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """)
        #expect(summary.deadLetters == 3)
        #expect(t.read("dead.jsonl").contains("in.csv:2: event time field 'ts' is out of range: -9223372036854775808 ms"))
        #expect(t.read("dead.jsonl").contains("in.csv:3: event time field 'ts' is not a number of epoch_ms: '9999999999999999999'"))
        #expect(t.read("out.csv") == "k,window_start,window_end,n\na,0,1024,1\n")
    }

    /// Two sources into one C filter (a task with two input rings), a window fused after it: what the
    /// filter forwards must not carry one input's watermark past the other's.
    @Test func theMultiInputCapSurvivesAFusedOperator() throws {
        for _ in 0..<10 {
            let t = TopologyRunner()
            t.write("fast.csv", "ts,k\n100,a\n200,a\n300,a\n")
            t.write("slow.csv", "ts,k\n1,b\n2,b\n")
            _ = try t.run(
                """
                plugins: { c: { library: rv_std_c } }
                sources:
                  fast: { type: file, path: fast.csv, schema: { ts: i64, k: string }, time: { type: event, field: ts }, batch_size: 1 }
                  slow: { type: file, path: slow.csv, schema: { ts: i64, k: string }, time: { type: event, field: ts }, batch_size: 1 }
                operators:
                  keep: { plugin: c, operator: filter, config: { field: ts, op: ge, value: 0 } }
                  w: { window: tumbling, size: 10ms, key_by: k, aggregates: { n: count() } }
                sinks:
                  out: { type: file, path: out.csv }
                  late: { type: file, path: late.csv }
                edges: [fast -> keep, slow -> keep, keep.out -> w, w.out -> out, w.late -> late]
                """, batchSize: 1, ringCapacity: 1)
            #expect(t.read("late.csv") == "ts,k\n")
            #expect(t.read("out.csv") == "k,window_start,window_end,n\nb,0,10,2\na,100,110,1\na,200,210,1\na,300,310,1\n")
        }
    }

    @Test func aPluginFunctionExtractsEventTime() throws {
        let t = TopologyRunner()
        t.write("in.csv", "when,k\n01/03/2026 09:00:05,a\n01/03/2026 09:59:59,a\nsoon,a\n01/03/2026 10:00:00,a\n")
        let summary = try t.run(
            """
            plugins: { std: { library: rv_std_c } }
            sources:
              s:
                type: file
                path: in.csv
                schema: { when: string, k: string }
                time: { type: event, extractor: std.dmy_time, arguments: [when] }
            operators:
              w: { window: tumbling, size: 1h, key_by: k, aggregates: { n: count() } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> w, w.out -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """)
        #expect(summary.deadLetters == 1)
        #expect(t.read("dead.jsonl").contains("in.csv:4: event time from std.dmy_time: dmy_time: expected DD/MM/YYYY HH:MM:SS"))
        #expect(t.read("out.csv") == "k,window_start,window_end,n\na,1772355600000,1772359200000,2\na,1772359200000,1772362800000,1\n")
    }
}
