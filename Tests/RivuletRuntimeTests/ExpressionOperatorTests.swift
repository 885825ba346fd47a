// ExpressionOperatorTests: filter and map operators in real topologies: outputs, rejected records, dead letters, errors.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct ExpressionOperatorTests {
    static let orders = """
        id,customer,status,amount,card
        1,Ann,paid,25.5,4111
        2,bob,failed,30,4222
        3,Cid,paid,10,4333
        4,dee,paid,,4444
        5,Eve,PAID,100,4555

        """
    static let source = "orders: { type: file, path: orders.csv, schema: { id: i64, customer: string, status: string, amount: f64, card: string } }"

    /// A filter with AND (a NULL amount is not kept), computed fields, a drop and a rename; the rejected
    /// port gets the others unchanged. The same for every batch size.
    @Test(arguments: [1, 2, 1024])
    func aFilterAndAMapGiveExactRows(batchSize: Int) throws {
        let t = TopologyRunner()
        t.write("orders.csv", Self.orders)
        let summary = try t.run(
            """
            sources:
              \(Self.source)
            operators:
              paid: { filter: "lower(status) == 'paid' and amount > 20" }
              enrich:
                map:
                  set: { amount_eur: "round(amount * 0.92, 2)", who: "upper(customer) || '#' || string(id)", big: "amount >= 100" }
                  drop: [card]
                  rename: { customer: cust }
            sinks:
              out: { type: file, path: out.csv }
              rej: { type: file, path: rejected.csv }
            edges: [orders -> paid, paid -> enrich, enrich -> out, paid.rejected -> rej]
            """, batchSize: batchSize)
        #expect(summary.deadLetters == 0)
        #expect(
            t.read("out.csv") == "id,cust,status,amount,amount_eur,who,big\n1,Ann,paid,25.5,23.46,ANN#1,false\n5,Eve,PAID,100.0,92.0,EVE#5,true\n")
        #expect(t.read("rejected.csv") == "id,customer,status,amount,card\n2,bob,failed,30.0,4222\n3,Cid,paid,10.0,4333\n4,dee,paid,,4444\n")
    }

    /// A record whose expression fails is dead-lettered with the operator, the field, the expression and
    /// the reason; the records around it flow on.
    @Test func aFailingExpressionDeadLettersItsRecordOnly() throws {
        let t = TopologyRunner()
        t.write("in.csv", "a,b\n10,2\n7,0\n9,3\n")
        let summary = try t.run(
            """
            sources:
              s: { type: file, path: in.csv, schema: { a: i64, b: i64 } }
            operators:
              div: { map: { set: { q: "a / b" } } }
              big: { filter: "a % b == 0" }
            sinks:
              out: { type: file, path: out.csv }
            dead_letters: { type: file, path: dead.jsonl }
            edges: [s -> div, div -> big, big -> out]
            """)
        #expect(summary.deadLetters == 1)
        #expect(t.read("out.csv") == "a,b,q\n10,2,5\n9,3,3\n")
        let dead = t.read("dead.jsonl")
        #expect(dead.contains("\"reason\":\"map 'div': q = a / b: division by zero\"") && dead.contains("\"record\":{\"a\":7,\"b\":0}"), "\(dead)")
    }

    /// `validate` reports every expression mistake at its character in the file, with a did-you-mean.
    @Test func validateNamesTheCharacterOfEachMistake() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-expressions-validate")
        Fixtures.write(Self.orders, to: folder + "/orders.csv")
        Fixtures.write(
            """
            sources:
              \(Self.source)
            operators:
              paid: { filter: "status == 'paid'" }
              enrich:
                map:
                  set: { b: "lowr(customer)", c: "customer + 1" }
                  drop: [crad]
              late: { filter: amount * 2 }
            sinks:
              out: { type: file, path: out.csv }
            edges: [orders -> paid, paid -> enrich, enrich -> out, orders -> late, late -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        for expected in [
            "m.yaml:7:18: error: map 'enrich', field 'b': no function 'lowr'; did you mean 'lower'?",
            "m.yaml:7:39: error: map 'enrich', field 'c': '+' needs numbers, not string",
            "m.yaml:8:14: error: map 'enrich': no field 'crad' in its input (fields: id, customer, status, amount, card); did you mean 'card'?",
            "m.yaml:9:19: error: filter 'late': the expression is f64, not bool",
        ] {
            #expect(result.stderr.contains(expected), "\(expected)\n\(result.stderr)")
        }
    }

    /// The expression filter and rv_std_c's C `filter` keep the same records of generated data, for
    /// every comparison.
    @Test(arguments: [("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="), ("eq", "=="), ("ne", "!=")])
    func anExpressionFilterKeepsWhatTheCFilterKeeps(op: String, symbol: String) throws {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let rows = (0..<5000).map { i in "\(i),\(Double(Int(next() % 2001) - 1000) / 8)" }
        let t = TopologyRunner()
        t.write("in.csv", "id,v\n" + rows.joined(separator: "\n") + "\n")
        _ = try t.run(
            """
            plugins: { std: { library: rv_std_c } }
            sources:
              s: { type: file, path: in.csv, schema: { id: i64, v: f64 } }
            operators:
              c: { plugin: std, operator: filter, config: { field: v, op: \(op), value: 12.5 } }
              e: { filter: "v \(symbol) 12.5" }
            sinks:
              c_out: { type: file, path: c.csv }
              e_out: { type: file, path: e.csv }
            edges: [s -> c, s -> e, c -> c_out, e -> e_out]
            """)
        let kept = t.read("e.csv")
        #expect(kept == t.read("c.csv"))
        #expect(kept.split(separator: "\n").count > 1 && kept.split(separator: "\n").count < 5001, "a real selection")
    }

    /// `key_by` as an expression groups by its value (the output column is named as written); aggregates
    /// with `where` count only the records whose condition is true — for every batch size.
    @Test(arguments: [1, 3, 1024])
    func aWindowKeyedByAnExpressionWithConditionalAggregates(batchSize: Int) throws {
        let t = TopologyRunner()
        t.write("o.csv", "ts,email,status,amount\n1000,Ann@X.com,paid,10\n2000,ann@x.com,failed,5\n3000,BOB@y.com,paid,7\n61000,ann@x.com,paid,1\n")
        _ = try t.run(
            """
            sources:
              o: { type: file, path: o.csv, schema: { ts: i64, email: string, status: string, amount: f64 }, time: { type: event, field: ts } }
            operators:
              w:
                window: tumbling
                size: 1m
                key_by: lower(email)
                aggregates: { n: count(), failed: "count() where status == 'failed'", paid: "sum(amount) where status = 'paid'" }
            sinks:
              out: { type: file, path: w.csv }
            edges: [o -> w, w.out -> out]
            """, batchSize: batchSize)
        #expect(
            t.read("w.csv")
                == "lower(email),window_start,window_end,n,failed,paid\nann@x.com,0,60000,2,1,10.0\nbob@y.com,0,60000,1,0,7.0\nann@x.com,60000,120000,1,0,1.0\n"
        )
    }

    /// Join keys written as expressions: both sides computed before the join.
    @Test func aJoinOnKeyExpressions() throws {
        let t = TopologyRunner()
        t.write("clicks.csv", "ts,user\n10,ANN\n20,bob\n30,Cid\n")
        t.write("users.csv", "ts,id,tier\n0,ann,gold\n0,BOB,silver\n")
        _ = try t.run(
            """
            sources:
              clicks: { type: file, path: clicks.csv, schema: { ts: i64, user: string }, time: { type: event, field: ts } }
              users: { type: file, path: users.csv, schema: { ts: i64, id: string, tier: string }, time: { type: event, field: ts } }
            operators:
              j: { join: stream_table, type: left, left_key: lower(user), right_key: lower(id) }
            sinks:
              out: { type: file, path: out.csv, fields: [user, tier] }
            edges: [clicks -> j.left, users -> j.right, j.out -> out]
            """)
        #expect(t.read("out.csv") == "user,tier\nANN,gold\nbob,silver\nCid,\n")
    }

    /// Parallel instances each have their own compiled expressions (their nodes keep buffers): a filter
    /// and a map at parallelism 3 keep and compute exactly what one instance does.
    @Test func parallelInstancesGiveWhatOneGives() throws {
        let rows = (0..<20_000).map { i in "\(i),k\(i % 37),\(Double(i % 1000) / 8)" }
        var results: [[String]] = []
        for parallelism in [1, 3] {
            let t = TopologyRunner()
            t.write("in.csv", "id,k,v\n" + rows.joined(separator: "\n") + "\n")
            _ = try t.run(
                """
                sources:
                  s: { type: file, path: in.csv, schema: { id: i64, k: string, v: f64 }, key: k }
                operators:
                  f: { filter: "v > 20 and v < 100 or id % 7 == 0", parallelism: \(parallelism), chain: false }
                  m: { map: { set: { w: "round(v * 3, 1)", tag: "upper(k) || '-' || string(id % 5)" } }, parallelism: \(parallelism), chain: false }
                sinks:
                  out: { type: file, path: out.csv }
                edges: [s -> f, f -> m, m -> out]
                """, batchSize: 512)
            results.append(t.read("out.csv").split(separator: "\n").map(String.init).sorted())
        }
        #expect(results[0].count > 5000)
        #expect(results[0] == results[1])
    }

    /// A source's `key:` as an expression: the records' keys are its values (`counter` counts per key).
    @Test func aSourceKeyedByAnExpression() throws {
        let t = TopologyRunner()
        t.write("in.csv", "user,n\nAnn,1\nann,2\nBob,3\nANN,4\n")
        _ = try t.run(
            """
            plugins: { s: { path: "\(try Fixtures.plugin("stores"))" } }
            stores:
              counts: { type: memory }
            sources:
              u: { type: file, path: in.csv, schema: { user: string, n: i64 }, key: lower(user) }
            operators:
              c: { plugin: s, operator: counter, stores: [counts] }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [u -> c, c.out -> out]
            """)
        #expect(t.read("out.csv") == "ann,1\nann,2\nbob,1\nann,3\n")
    }

    /// A table keyed by an expression: `Ann` and `ann` are one row.
    @Test func aTableKeyedByAnExpression() throws {
        let t = TopologyRunner()
        t.write("u.csv", "user,tier\nAnn,gold\nbob,silver\nann,silver\n")
        _ = try t.run(
            """
            sources:
              u: { type: file, path: u.csv, schema: { user: string, tier: string } }
            operators:
              users: { table: lower(user) }
            sinks:
              out: { type: file, path: out.csv, ops: true, fields: [user, tier] }
            edges: [u -> users, users.out -> out]
            """)
        #expect(t.read("out.csv") == "op,user,tier\n+I,Ann,gold\n+I,bob,silver\n-U,Ann,gold\n+U,ann,silver\n")
    }

    /// Mistakes in a key expression or a `where` condition are reported at their characters.
    @Test func keyAndConditionMistakesAreLocated() throws {
        let folder = Fixtures.temporaryDirectory("rivulet-expressions-keys")
        Fixtures.write("ts,email,status\n1,a,b\n", to: folder + "/o.csv")
        Fixtures.write(
            """
            sources:
              o: { type: file, path: o.csv, schema: { ts: i64, email: string, status: string }, time: { type: event, field: ts } }
            operators:
              w:
                window: tumbling
                size: 1m
                key_by: lower(emial)
                aggregates: { a: "count() where stauts == 'x'", b: "count() where len(status)" }
            sinks:
              out: { type: file, path: w.csv }
            edges: [o -> w, w.out -> out]
            """, to: folder + "/m.yaml")
        let result = try RivuletProcess.run(["validate", folder + "/m.yaml"], deadline: 60)
        #expect(result.status == 2, "\(result.stderr)")
        for expected in [
            "m.yaml:7:19: error: window 'w', key_by: no field 'emial' in the input", "did you mean 'email'?",
            "m.yaml:8:37: error: window 'w', aggregate 'a' where: no field 'stauts'",
            "m.yaml:8:71: error: window 'w', aggregate 'b' where: the condition is i64, not bool",
        ] {
            #expect(result.stderr.contains(expected), "\(expected)\n\(result.stderr)")
        }
    }
}
