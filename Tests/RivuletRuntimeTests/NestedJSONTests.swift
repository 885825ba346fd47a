// NestedJSONTests: nested objects and arrays in JSON lines: schemas that declare them, explode, nested output, sink formats.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct NestedJSONTests {
    static let orders = """
        {"id":1,"customer":{"id":"c1","tier":"gold"},"status":"paid","amount":25.5,"items":[{"sku":"a","qty":2},{"sku":"b","qty":1}]}
        {"id":2,"customer":{"id":"c2","tier":"silver"},"status":"failed","amount":30,"items":[]}
        {"id":3,"customer":{"id":"c1","tier":"gold","since":2020},"status":"paid","amount":40,"items":[{"sku":"c","qty":5}],"extra":{"x":[1,2]}}
        {"id":4,"customer":{"id":"c3"},"status":"paid","amount":50,"items":[{"sku":"d","qty":"x"}]}
        {"id":5,"customer":null,"status":"paid","amount":60,"items":null}

        """

    /// Nested objects read by path, an array exploded into one record per element (a bad element
    /// dead-letters its record, the others flow on), dotted output names written back as nested objects.
    @Test(arguments: [1, 1024])
    func nestedOrdersExplodeAndComeOutNested(batchSize: Int) throws {
        let t = TopologyRunner()
        t.write("orders.jsonl", Self.orders)
        let summary = try t.run(
            """
            sources:
              o:
                type: file
                path: orders.jsonl
                format: jsonl
                schema: { id: i64, customer: { id: string, tier: string }, status: string, amount: f64, items: [ { sku: string, qty: i64 } ] }
            operators:
              paid: { filter: "status == 'paid'" }
              lines: { explode: items }
              m: { map: { set: { customer.vip: "customer.tier == 'gold'", line: "items.qty * 10" }, drop: [amount] } }
            sinks:
              out: { type: file, path: out.jsonl }
            dead_letters: { type: file, path: dead.jsonl }
            edges: [o -> paid, paid -> lines, lines -> m, m -> out]
            """, batchSize: batchSize)
        #expect(summary.deadLetters == 1)
        #expect(
            t.read("out.jsonl") == """
                {"id":1,"customer":{"id":"c1","tier":"gold","vip":true},"status":"paid","items":{"sku":"a","qty":2},"line":20}
                {"id":1,"customer":{"id":"c1","tier":"gold","vip":true},"status":"paid","items":{"sku":"b","qty":1},"line":10}
                {"id":3,"customer":{"id":"c1","tier":"gold","vip":true},"status":"paid","items":{"sku":"c","qty":5},"line":50}

                """)
        #expect(t.read("dead.jsonl").contains("explode 'lines': items: element 1: field 'qty': 'x' is not a valid i64"), "\(t.read("dead.jsonl"))")
    }

    /// `items[0].sku`: a value inside an array, without exploding it (text; cast it), NULL past the end.
    @Test func anArrayElementIsReadByPath() throws {
        let t = TopologyRunner()
        t.write("orders.jsonl", Self.orders)
        _ = try t.run(
            """
            sources:
              o: { type: file, path: orders.jsonl, format: jsonl, schema: { id: i64, items: [ { sku: string, qty: i64 } ] } }
            operators:
              m: { map: { set: { first: "items[0].sku", second_qty: "i64(items[1].qty) * 10", none: "items[5].sku is null" }, drop: [items] } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [o -> m, m -> out]
            """)
        #expect(t.read("out.csv") == "id,first,second_qty,none\n1,a,10,true\n2,,,true\n3,c,,true\n4,d,,true\n5,,,true\n")
    }

    /// Hostile JSON: a lone surrogate escape reads as U+FFFD (not a crash), and a value nested 100,000
    /// levels deep in a member that is skipped dead-letters its line (not a stack overflow).
    @Test func hostileJSONIsReadOrDeadLettered() throws {
        let t = TopologyRunner()
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        t.write("in.jsonl", "{\"id\":1,\"s\":\"\\ud800\\u0041\"}\n{\"id\":2,\"x\":\(deep)}\n{\"id\":3,\"s\":\"ok\"}\n")
        let summary = try t.run(
            """
            sources:
              s: { type: file, path: in.jsonl, format: jsonl, schema: { id: i64, s: string } }
            sinks:
              out: { type: file, path: out.csv }
            dead_letters: { type: file, path: dead.jsonl }
            edges: [s -> out]
            """)
        #expect(summary.deadLetters == 1)
        #expect(t.read("out.csv") == "id,s\n1,\u{FFFD}A\n3,ok\n")
        #expect(t.read("dead.jsonl").contains("JSON nested deeper than 512 levels"), "\(t.read("dead.jsonl").prefix(300))")
    }

    /// An array of scalars explodes into a field of the array's name.
    @Test func anArrayOfScalarsExplodes() throws {
        let t = TopologyRunner()
        t.write("in.jsonl", "{\"id\":1,\"tags\":[\"a\",\"b\",null]}\n{\"id\":2,\"tags\":[]}\n{\"id\":3,\"tags\":[\"c\"]}\n")
        _ = try t.run(
            """
            sources:
              s: { type: file, path: in.jsonl, format: jsonl, schema: { id: i64, tags: [string] } }
            operators:
              e: { explode: tags }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> e, e -> out]
            """)
        #expect(t.read("out.csv") == "id,tags\n1,a\n1,b\n1,\n3,c\n")
    }

    /// A window's start and end are timestamps: a sink writes them (and every timestamp) as RFC 3339 when
    /// asked, and an f64 with a fixed number of decimals.
    @Test func sinksWriteTimestampsAsRFC3339AndFixedDecimals() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k,v\n1000,a,1.23456\n2000,a,2\n61000,b,0.5\n")
        _ = try t.run(
            """
            sources:
              s: { type: file, path: in.csv, schema: { ts: i64, k: string, v: f64 }, time: { type: event, field: ts } }
            operators:
              w: { window: tumbling, size: 1m, key_by: k, aggregates: { total: sum(v) } }
            sinks:
              csv: { type: file, path: out.csv, timestamps: rfc3339, decimals: { total: 2 } }
              json: { type: file, path: out.jsonl, timestamps: rfc3339 }
              plain: { type: file, path: plain.csv }
            edges: [s -> w, w.out -> csv, w.out -> json, w.out -> plain]
            """)
        #expect(
            t.read("out.csv")
                == "k,window_start,window_end,total\na,1970-01-01T00:00:00Z,1970-01-01T00:01:00Z,3.23\nb,1970-01-01T00:01:00Z,1970-01-01T00:02:00Z,0.50\n"
        )
        #expect(
            t.read("out.jsonl").hasPrefix(
                "{\"k\":\"a\",\"window_start\":\"1970-01-01T00:00:00Z\",\"window_end\":\"1970-01-01T00:01:00Z\",\"total\":3.23456}\n"))
        #expect(t.read("plain.csv") == "k,window_start,window_end,total\na,0,60000,3.23456\nb,60000,120000,0.5\n")
    }

    /// Mistakes: decimals of a field that is not f64, an array in a CSV schema, explode of a field that
    /// is not an array.
    @Test func mistakesAreLocated() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-nested-mistakes")
        Fixtures.write("id,n\n1,2\n", to: folder + "/in.csv")
        Fixtures.write(
            """
            sources:
              s: { type: file, path: in.csv, schema: { id: i64, n: i64 } }
            operators:
              e: { explode: n }
            sinks:
              out: { type: file, path: out.csv, decimals: { id: 2 } }
            edges: [s -> e, e -> out]
            """, to: folder + "/m.yaml")
        let explode = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(explode.status == 2 && explode.stderr.contains("m.yaml:4:3: error: explode 'e': field 'n' is not an array"), "\(explode.stderr)")
        Fixtures.write(
            """
            sources:
              s: { type: file, path: in.csv, schema: { id: i64, tags: [string] } }
            sinks:
              out: { type: file, path: out.csv, decimals: { id: 2, nope: 99 } }
            edges: [s -> out]
            """, to: folder + "/n.yaml")
        let other = try RivuletProcess.run(["validate", folder + "/n.yaml"], deadline: 60)
        #expect(other.status == 2, "\(other.stderr)")
        #expect(other.stderr.contains("n.yaml:2:53: error: source 's': field 'tags' is an array, which only format jsonl reads"), "\(other.stderr)")
        #expect(other.stderr.contains("n.yaml:4:62:") && other.stderr.contains("from 0 to 17"), "\(other.stderr)")
    }
}
