// MetricsSnapshotTests: the runtime's counters per instance, ring and store after a real run.
import Foundation
import RivuletCore
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct MetricsSnapshotTests {
    /// The card-payments example with the Swift converter on two instances (so rings exist) and a
    /// memory store on a table: every counter is checked against what the data must give.
    static func cardPayments(_ runner: TopologyRunner, parallelism: Int = 2) -> String {
        runner.write("payments.csv", Fixtures.read(Fixtures.repositoryRoot + "/examples/card-payments/payments.csv"))
        return """
            name: metered
            plugins:
              std_c: { library: rv_std_c }
              std_swift: { library: rv_std_swift }
            sources:
              payments:
                type: file
                path: payments.csv
                schema: { payment_id: string, ts: timestamp, card: string, amount: f64, currency: string, merchant: string }
                key: card
            operators:
              mask: { plugin: std_c, operator: mask, config: { field: card, keep: 4, luhn: true } }
              to_eur:
                plugin: std_swift
                operator: currency_convert
                parallelism: \(parallelism)
                config: { field: amount, currency_field: currency, target: EUR, rates: { EUR: 1.0, USD: 0.92, GBP: 1.17 } }
            sinks:
              out: { type: file, path: out.csv, format: csv }
            edges: [payments -> mask, mask -> to_eur, to_eur -> out]
            dead_letters: { type: file, path: dead.jsonl }
            """
    }

    @Test func countersPerInstanceRingAndPluginCounter() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan(Self.cardPayments(runner))
        let before = plan.metricsSnapshot()
        #expect(before.instances.allSatisfy { $0.recordsIn == 0 && $0.recordsOut == 0 })
        _ = try plan.run()
        let s = plan.metricsSnapshot()
        func node(_ name: String) -> [MetricsSnapshot.Instance] { s.instances.filter { $0.node == name } }
        func sum(_ name: String, _ key: KeyPath<MetricsSnapshot.Instance, Int64>) -> Int64 { node(name).reduce(0) { $0 + $1[keyPath: key] } }

        // 8 lines: one unreadable amount (payments), one Luhn failure (mask), one CHF and one JPY (to_eur).
        #expect(sum("payments", \.recordsIn) == 8)
        #expect(sum("payments", \.recordsOut) == 7)
        #expect(sum("payments", \.errors) == 1)
        #expect(sum("mask", \.recordsIn) == 7)
        #expect(sum("mask", \.recordsOut) == 6)
        #expect(sum("mask", \.errors) == 1)
        #expect(node("to_eur").count == 2)
        #expect(sum("to_eur", \.recordsIn) == 6)
        #expect(sum("to_eur", \.errors) == 2)
        #expect(sum("to_eur", \.recordsOut) == 4)
        #expect(sum("out", \.recordsIn) == 4)
        #expect(sum("out", \.recordsOut) == 4)
        #expect(s.sourceRecords == 8)
        #expect(s.sinkRecords == 4)
        #expect(runner.read("out.csv").split(separator: "\n").count == 5)

        // The plugin's own counter, registered through the host API, per instance.
        let converted = node("to_eur").reduce(Int64(0)) { total, i in total + (i.pluginCounters.first { $0.name == "converted" }?.value ?? 0) }
        #expect(converted == 4)

        // Rings: mask -> to_eur#0/#1 and to_eur#0/#1 -> out; every record crossed exactly one of each.
        #expect(s.rings.count == 4)
        #expect(s.rings.filter { $0.label.hasPrefix("mask") }.reduce(0) { $0 + $1.records } == 6)
        #expect(s.rings.filter { $0.label.hasPrefix("to_eur") }.reduce(0) { $0 + $1.records } == 4)
        #expect(s.rings.allSatisfy { $0.occupancy == 0 && $0.capacity == 64 })
    }

    @Test func watermarksFollowEventTime() throws {
        let runner = TopologyRunner()
        runner.write("in.csv", "ts,key,value\n1000,a,1\n5000,b,2\n3000,a,3\n")
        let plan = try runner.plan(
            """
            name: wm
            sources:
              in:
                type: file
                path: in.csv
                schema: { ts: i64, key: string, value: i64 }
                time: { type: event, field: ts, format: epoch_ms, max_out_of_order: 1s }
            sinks:
              out: { type: "null" }
            edges: [in -> out]
            """)
        _ = try plan.run()
        let s = plan.metricsSnapshot()
        // max event time − bound: 5000 − 1000, at the source and passed on to the sink.
        #expect(s.instances.first { $0.node == "in" }?.watermark == 4000)
        #expect(s.instances.first { $0.node == "out" }?.watermark == 4000)
    }

    @Test func storeSizesAndCommits() throws {
        let runner = TopologyRunner()
        runner.write("profiles.csv", "ts,user_id,age\n1,u1,30\n2,u2,40\n3,u3,50\n4,u2,41\n")
        runner.write("clicks.csv", "ts,user_id,page\n10,u1,a\n11,u2,b\n12,u9,c\n")
        let plan = try runner.plan(
            """
            name: stores
            stores:
              profiles_store: { type: memory }
            sources:
              clicks: { type: file, path: clicks.csv, schema: { ts: i64, user_id: string, page: string }, time: { type: event, field: ts } }
              profiles: { type: file, path: profiles.csv, schema: { ts: i64, user_id: string, age: i64 }, time: { type: event, field: ts } }
            operators:
              enrich: { join: stream_table, type: left, left_key: user_id, right_key: user_id, store: profiles_store }
            sinks:
              out: { type: file, path: out.csv }
            edges: [clicks -> enrich.left, profiles -> enrich.right, enrich.out -> out]
            """)
        _ = try plan.run()
        let s = plan.metricsSnapshot()
        let store = try #require(s.stores.first)
        #expect(store.name == "profiles_store")
        #expect(store.owner == "enrich")
        #expect(store.keys == 3)
        #expect(store.commits > 0)
        #expect(store.bytes > 0)
        #expect(s.instances.first { $0.node == "enrich" }?.recordsIn == 7)
        #expect(s.instances.first { $0.node == "out" }?.recordsIn == 3)
    }
}
