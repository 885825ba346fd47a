// ExecutionLayerTests: edges, the exclusive-batch rule, the watermark valve and dead-letter routes, driven directly.
import CRivulet
import Foundation
import RivuletCore
import RivuletTestSupport
import Testing

@testable import RivuletExecution
@testable import RivuletRuntime

/// Dead letters kept in memory: the reasons, in order.
final class CollectedDeadLetters: DeadLetterSink, @unchecked Sendable {
    private(set) var reasons: [String] = []
    var count: Int { reasons.count }
    func deadLetter(node: String, reason: String, record: UnsafePointer<rv_record>?, schema: Schema, raw: UnsafeRawBufferPointer?) throws {
        reasons.append("\(node): \(reason)")
    }
    func flush() throws {}
}

/// An operator that records, per batch, whether it arrived exclusive and how many records it held.
final class ObservingOperator: StreamOperator {
    let name: String
    private(set) var seen: [(exclusive: Bool, count: Int)] = []
    private(set) var watermarks: [Int64] = []
    init(name: String) { self.name = name }
    func process(_ batch: RecordBatch, port: Int) throws { seen.append((batch.isExclusive, batch.count)) }
    func advanceWatermark(to watermark: Int64) throws { watermarks.append(watermark) }
    func finish() throws {}
    func close() {}
}

@Suite struct ExecutionLayerTests {
    static let schema = Schema([FieldDefinition(name: "k", type: .string)])

    static func batch(keys: [String]) -> RecordBatch {
        let b = RecordBatch(schema: schema, capacity: max(1, keys.count))
        for k in keys {
            let i = b.appendEmpty(timestamp: 0)
            b.setStringField(i, 0, k)
        }
        return b
    }

    @Test func onlyASingleFusedEdgeGetsTheBatchExclusive() throws {
        let a = ObservingOperator(name: "a"), b = ObservingOperator(name: "b")
        let fusedA = FusedEdge(name: "x -> a", target: a, port: 0, metrics: InstanceMetrics())
        let fusedB = FusedEdge(name: "x -> b", target: b, port: 0, metrics: InstanceMetrics())
        let batch = Self.batch(keys: ["1", "2"])
        try BatchHandoff.deliver(batch, to: [fusedA])
        #expect(a.seen.map(\.exclusive) == [true])
        #expect(!batch.isExclusive, "the mark lasts only for the call")
        // Fan-out: both consumers share the batch, so neither may rewrite it.
        try BatchHandoff.deliver(batch, to: [fusedA, fusedB])
        #expect(a.seen.map(\.exclusive) == [true, false] && b.seen.map(\.exclusive) == [false])
        // A ring hands the batch to another thread: never exclusive, there or after.
        let ring = SPSCRing<StreamElement>(capacity: 4)
        try BatchHandoff.deliver(batch, to: [RingEdge(name: "x -> c", ring: ring, cancellation: Cancellation())])
        guard case .batch(let crossed)? = ring.pop() else { Issue.record("nothing in the ring"); return }
        #expect(crossed === batch && !crossed.isExclusive)
    }

    @Test func aFusedEdgeCountsWhatItDelivers() throws {
        let a = ObservingOperator(name: "a")
        let metrics = InstanceMetrics()
        let edge = FusedEdge(name: "x -> a", target: a, port: 0, metrics: metrics)
        try edge.send(Self.batch(keys: ["1", "2", "3"]))
        try edge.sendWatermark(40)
        try edge.sendWatermark(30)
        #expect(metrics.recordsIn.value == 3 && metrics.watermark.value == 40 && a.watermarks == [40, 30])
    }

    @Test func aPartitionedEdgeSendsEveryKeyToOneRingAndWatermarksToAll() throws {
        let rings = (0..<3).map { RingEdge(name: "x -> p#\($0)", ring: SPSCRing<StreamElement>(capacity: 8), cancellation: Cancellation()) }
        let edge = PartitionedEdge(name: "x -> p by key", rings: rings, field: 0)
        let keys = (0..<60).map { "key-\($0 % 12)" }
        try edge.send(Self.batch(keys: keys))
        try edge.sendWatermark(7)
        var owner: [String: Int] = [:]
        var total = 0
        for (r, ring) in rings.enumerated() {
            var sawWatermark = false
            while let element = ring.ring.pop() {
                switch element {
                case .batch(let b):
                    for i in 0..<b.count {
                        let f = b.field(i, 0)
                        let key = String(decoding: UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)), as: UTF8.self)
                        #expect(owner[key, default: r] == r, "key \(key) reached two instances")
                        owner[key] = r
                        total += 1
                    }
                case .watermark(let w): sawWatermark = w == 7
                default: break
                }
            }
            #expect(sawWatermark)
        }
        #expect(total == 60 && owner.count == 12)
        // FNV-1a 64: the published test vectors, so a key keeps its instance across versions.
        #expect(PartitionedEdge.hash(nil, count: 0) == 0xcbf2_9ce4_8422_2325)
        #expect(Array("a".utf8).withUnsafeBufferPointer { PartitionedEdge.hash($0.baseAddress, count: 1) } == 0xaf63_dc4c_8601_ec8c)
        #expect(Array("foobar".utf8).withUnsafeBufferPointer { PartitionedEdge.hash($0.baseAddress, count: 6) } == 0x8594_4171_f739_67e8)
    }

    @Test func theValveTakesTheMinimumOverInputsThatCount() {
        var valve = WatermarkValve(inputs: 2)
        #expect(valve.observe(10, input: 0) == nil, "input 1 has no watermark yet")
        #expect(valve.observe(5, input: 1) == 5)
        #expect(valve.cap(excluding: 0) == 5 && valve.cap(excluding: 1) == 10)
        #expect(valve.observe(20, input: 1) == 10)
        // An idle input stops holding the watermark back; sending again makes it count again.
        #expect(valve.markIdle(input: 0) == 20)
        valve.markActive(input: 0)
        #expect(valve.observe(25, input: 0) == nil, "20 is already out; the minimum is 20")
        #expect(valve.observe(30, input: 1) == 25)
        // An ended input counts as +∞ while another is open.
        #expect(valve.end(input: 1) == nil)
        #expect(valve.observe(40, input: 0) == 40)
        #expect(valve.end(input: 0) == nil && valve.open == 0)
    }

    @Test func whenOnlyEndedInputsCountTheValveStopsAtTheirLastWatermark() {
        var valve = WatermarkValve(inputs: 2)
        _ = valve.observe(50, input: 0)
        _ = valve.markIdle(input: 1)
        #expect(valve.end(input: 0) == nil, "the idle input is still open: its records are judged against 50, not +∞")
        #expect(valve.current == 50)
    }

    /// Every operator instance the planner builds has its dead-letter route from construction: a late
    /// record of a window whose `late` port is not wired is dead-lettered with the reason, not dropped.
    @Test func everyInstanceHasADeadLetterRouteAndLateRecordsReachIt() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,k,v\n100,a,1\n5000,a,2\n10,a,4\n")
        let plan = try t.plan(
            """
            sources:
              events:
                type: file
                path: in.csv
                schema: { ts: i64, k: string, v: i64 }
                time: { type: event, field: ts, max_out_of_order: 0 }
            operators:
              w:
                window: tumbling
                size: 1000ms
                key_by: k
                parallelism: 2
                aggregates: { count: count() }
            sinks:
              out: { type: file, path: out.csv }
            dead_letters: { type: file, path: dead.jsonl }
            edges: [events -> w, w.out -> out]
            """)
        for node in plan.nodes where node.role == .operator { #expect(node.deadLetterRoutes.count == node.instances.count) }
        let summary = try plan.run()
        #expect(summary.deadLetters == 1)
        #expect(summary.deadLetterDestination == t.path("dead.jsonl"), "the summary names where dead letters went")
        #expect(t.read("dead.jsonl").contains("late record (event time 10)"))
        #expect(t.read("out.csv") == "k,window_start,window_end,count\na,0,1000,1\na,5000,6000,1\n")
    }
}
