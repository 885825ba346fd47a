// TopologyTests: real topologies mixing C, Swift and FFI operators, with exact outputs.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct TopologyTests {
    static let trades = """
        symbol,price,qty,venue
        ACME,10.5,100,X
        INIT,99.0,3,Y
        ACME,11.0,7,X
        BOLT,2.25,4000,Z
        INIT,101.5,1,X

        """

    @Test func cFilterSwiftProjectAndFFICall() throws {
        let t = TopologyRunner()
        t.write("trades.csv", Self.trades)
        let summary = try t.run(
            """
            plugins:
              c: { library: rv_std_c }
              s: { library: rv_std_swift }
            sources:
              trades:
                type: file
                path: trades.csv
                schema: { symbol: string, price: f64, qty: i64, venue: string }
            operators:
              big:                       # C: keep trades with qty >= 5
                plugin: c
                operator: filter
                config: { field: qty, op: ge, value: 5 }
              notional:                  # FFI: libm's pow(price, 2) as a stand-in for any C function
                function: { library: libm.so.6, symbol: pow, args: [f64, f64], returns: f64 }
                arguments: [price, 2]
                output: price_sq
              slim:                      # Swift: keep three fields, reordered
                plugin: s
                operator: project
                config: { fields: [price_sq, symbol, qty] }
            sinks:
              out: { type: file, path: out.csv }
              small: { type: file, path: small.jsonl }
            edges:
              - trades -> big
              - big.out -> notional
              - notional -> slim
              - slim -> out
              - big.rejected -> small
            """)
        #expect(
            t.read("out.csv") == """
                price_sq,symbol,qty
                110.25,ACME,100
                121.0,ACME,7
                5.0625,BOLT,4000

                """)
        #expect(
            t.read("small.jsonl") == """
                {"symbol":"INIT","price":99.0,"qty":3,"venue":"Y"}
                {"symbol":"INIT","price":101.5,"qty":1,"venue":"X"}

                """)
        #expect(summary.recordsIn == 5)
        #expect(summary.recordsOut == 5)
        #expect(summary.deadLetters == 0)
    }

    /// FFI calls with every argument type: libm's ldexp(f64, i32), sqrtf(f32), libc's abs(i32) and zlib's
    /// crc32_z(i64, bytes); a NULL argument dead-letters its record.
    @Test func ffiOperatorsPassEveryArgumentType() throws {
        let t = TopologyRunner()
        t.write("in.csv", "name,x,n\nabc,1.5,-3\nxyz,6.25,7\nnone,,2\n")
        let summary = try t.run(
            """
            sources:
              rows: { type: file, path: in.csv, schema: { name: string, x: f64, n: i64 } }
            operators:
              scaled:
                function: { library: libm.so.6, symbol: ldexp, args: [f64, i32], returns: f64 }
                arguments: [x, n]
                output: scaled
              root:
                function: { library: libm.so.6, symbol: sqrtf, args: [f32], returns: f32 }
                arguments: [x]
                output: root
              magnitude:
                function: { library: libc.so.6, symbol: abs, args: [i32], returns: i32 }
                arguments: [n]
                output: n
              crc:
                function: { library: libz.so.1, symbol: crc32_z, args: [i64, bytes], returns: i64 }
                arguments: [0, name]
                output: crc
            sinks:
              out: { type: file, path: out.csv }
            edges: [rows -> scaled, scaled -> root, root -> magnitude, magnitude -> crc, crc -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """)
        #expect(
            t.read("out.csv") == """
                name,x,n,scaled,root,crc
                abc,1.5,3,0.1875,1.2247449159622192,891568578
                xyz,6.25,7,800.0,2.5,3951999591

                """)
        #expect(
            t.read("dead.jsonl") == #"{"node":"scaled","reason":"argument 1 of ldexp: field 'x' is NULL","record":{"name":"none","x":null,"n":2}}"#
                + "\n")
        #expect(summary.deadLetters == 1)
    }

    /// Schema-less lines pass through as raw values; JSON lines decode by name (unknown members skipped).
    @Test func linesAndJSONLinesCodecs() throws {
        let t = TopologyRunner()
        t.write("log.txt", "first line\n\nthird, with comma\n")
        t.write("events.jsonl", #"{"id": 1, "tag": "a", "extra": {"x": [1]}}"# + "\n" + #"{"tag": "b\u00e9", "id": 2}"# + "\n" + "not json\n")
        let summary = try t.run(
            """
            sources:
              log: { type: file, path: log.txt }
              events: { type: file, path: events.jsonl, schema: { id: i64, tag: string } }
            sinks:
              copy: { type: file, path: copy.txt }
              csv: { type: file, path: events.csv }
            edges: [log -> copy, events -> csv]
            dead_letters: { type: file, path: dead.jsonl }
            """)
        #expect(t.read("copy.txt") == "first line\n\nthird, with comma\n")
        #expect(t.read("events.csv") == "id,tag\n1,a\n2,bé\n")
        #expect(
            t.read("dead.jsonl") == #"{"node":"events","reason":"events.jsonl:3: invalid JSON at column 1: expected '{'","raw":"not json"}"# + "\n")
        #expect(summary.recordsIn == 6)
        #expect(summary.deadLetters == 1)
    }

    /// A parallel operator (parallelism 2, records split by key over two rings) gives the same multiset
    /// as the serial run.
    @Test func parallelOperatorMatchesSerial() throws {
        func run(parallelism: Int) throws -> [String] {
            let t = TopologyRunner()
            let summary = try t.run(
                """
                plugins:
                  c: { library: rv_std_c }
                  s: { library: rv_std_swift }
                sources:
                  gen: { type: generator, count: 20000, keys: 37, seed: 7 }
                operators:
                  keep:
                    plugin: c
                    operator: filter
                    config: { field: value, op: lt, value: 700 }
                    parallelism: \(parallelism)
                  slim:
                    plugin: s
                    operator: project
                    config: { fields: "key,seq,value" }
                    parallelism: \(parallelism)
                sinks:
                  out: { type: file, path: out.csv }
                edges:
                  - gen -> keep
                  - keep -> slim
                  - slim -> out
                """, batchSize: 256, ringCapacity: 4)
            #expect(summary.recordsIn == 20000)
            let lines = t.read("out.csv").split(separator: "\n").map(String.init)
            return lines.dropFirst().sorted()
        }
        let serial = try run(parallelism: 1)
        let parallel = try run(parallelism: 2)
        #expect(serial.count > 10000 && serial.count < 16000)
        #expect(parallel == serial)
    }

    @Test func describeShowsFusedChainsAndRings() throws {
        let t = TopologyRunner()
        let plan = try t.plan(
            """
            plugins:
              c: { library: rv_std_c }
            sources:
              gen: { type: generator, count: 10 }
            operators:
              keep: { plugin: c, operator: filter, config: { field: value, op: lt, value: 500 } }
              wide: { plugin: c, operator: filter, config: { field: value, op: gt, value: 5 }, parallelism: 2 }
            sinks:
              out: { type: null }
            edges:
              - gen -> keep
              - keep -> wide
              - wide -> out
            """)
        defer { plan.close() }
        // gen+keep fused in task 0; wide#0, wide#1 in tasks 1 and 2; out (two inputs) in task 3.
        #expect(plan.tasks.count == 4)
        #expect(plan.rings.count == 4)
        let text = plan.describeText()
        #expect(text.contains("task 0 [gen]: source gen (batches of 1024) → keep → keep -> wide by key"))
        #expect(text.contains("keep.out -> wide#0.in  [64]"))
        #expect(text.contains("wide#1.out -> out.in  [64]"))
        let dot = plan.describeDot()
        #expect(dot.contains("\"gen\" -> \"keep\" [label=\"out→in\"];"), "fused: plain")
        #expect(dot.contains("\"keep\" -> \"wide#1\" [label=\"out→in\", style=\"bold,dashed\", color=purple];"), "partitioned by key")
        #expect(dot.contains("\"wide#0\" -> \"out\" [label=\"out→in\", style=bold, color=blue];"), "a ring")
        // The legend says which is which, each with its edge's own style.
        #expect(dot.contains("\"legend_fused_to\" [label=\"same task: a function call\"];"))
        #expect(dot.contains("\"legend_ring\" -> \"legend_ring_to\" [label=\"\", style=bold, color=blue];"))
        #expect(dot.contains("\"legend_partitioned_to\" [label=\"by key to a parallel operator: a ring per instance pair\"];"))
        // Node labels are wrapped to fit their boxes: no line longer than 32 characters but a single word.
        let labels = dot.split(separator: "\n").compactMap { line -> Substring? in
            guard line.contains("shape="), let start = line.range(of: "label=\"") else { return nil }
            return line[start.upperBound...].prefix { $0 != "\"" }
        }
        #expect(labels.count == 5)
        for label in labels {
            for part in label.components(separatedBy: "\\n") where part.count > 32 {
                #expect(!part.contains(" "), "\(part)")
            }
        }
    }
}

@Suite struct PlanErrorTests {
    /// Field names are checked when the topology is planned; every node is planned even after one fails,
    /// so two wrong fields on two branches come in one pass, each at its line with the closest name — and
    /// a node after a failed one waits for it (its input is unknown), without a misleading error of its own.
    @Test func everyPlanErrorComesInOnePass() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,key,value\n1,a,2\n")
        #expect {
            try t.plan(
                """
                sources:
                  s: { type: file, path: in.csv, schema: { ts: i64, key: string, value: i64 }, time: { type: event, field: ts } }
                operators:
                  w: { window: tumbling, size: 1m, key_by: kye, aggregates: { n: count() } }
                  w2: { window: tumbling, size: 1m, key_by: key, aggregates: { n: count() } }
                sinks:
                  a: { type: file, path: a.csv }
                  b: { type: file, path: b.csv, fields: [key, valeu] }
                  c: { type: file, path: c.csv, fields: [nothing_like_it] }
                edges: [s -> w, w -> a, s -> b, s -> w2, w2 -> c]
                """)
        } throws: { error in
            let text = "\(error)"
            let lines = text.split(separator: "\n")
            return lines.count == 3
                && text.contains("'w': field 'kye' is not in its input (fields: ts:i64, key:string, value:i64); did you mean 'key'?")
                && text.contains("sink 'b': field 'valeu' is not in its input (fields: ts:i64, key:string, value:i64); did you mean 'value'?")
                && text.contains("sink 'c': field 'nothing_like_it' is not in its input")
        }
    }
}
