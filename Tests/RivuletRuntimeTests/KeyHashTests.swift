// KeyHashTests: the key hashes pinned bit for bit: which instance a key goes to, and the tables' FNV-1a.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletRuntime
import Testing

@testable import RivuletState
@testable import RivuletWindows

/// The values below were computed by an independent FNV-1a (64-bit) and checked against the code before
/// the hashes moved into one module; a change here moves keys to other instances of a parallel operator.
@Suite struct KeyHashTests {
    /// Receives the partitioner's sub-batches: the record keys (or i64 field values) per target.
    final class Collector: StreamOperator {
        let name = "collector"
        var texts: [String] = []
        var integers: [Int64] = []
        let field: Int?
        init(field: Int? = nil) { self.field = field }
        func process(_ batch: RecordBatch, port: Int) throws {
            for i in 0..<batch.count {
                let view = RecordView(batch.record(at: i))
                if let field, view.field(field).type == FieldType.i64.rawValue {
                    integers.append(view.field(field).value.i64)
                } else if let field {
                    texts.append(view.text(field))
                } else {
                    texts.append(String(decoding: view.key, as: UTF8.self))
                }
            }
        }
        func advanceWatermark(to watermark: Int64) throws {}
        func finish() throws {}
        func close() {}
    }

    /// Sends `batch` through a partitioned edge over one ring per collector, then delivers each ring's
    /// sub-batches to its collector.
    static func partition(_ batch: RecordBatch, into collectors: [Collector], field: Int? = nil) throws {
        let rings = collectors.indices.map { RingEdge(name: "p#\($0)", ring: SPSCRing<StreamElement>(capacity: 16), cancellation: Cancellation()) }
        try PartitionedEdge(name: "p", rings: rings, field: field).send(batch)
        for (ring, collector) in zip(rings, collectors) {
            while let element = ring.ring.pop() { if case .batch(let b) = element { try collector.process(b, port: 0) } }
        }
    }

    static let schema = Schema([FieldDefinition(name: "s", type: .string), FieldDefinition(name: "n", type: .i64)])
    static let keys = ["", "a", "foobar", "user-42", "EUR"]

    /// FNV-1a test vectors and the partitioner's hash of a few keys.
    @Test func partitionHashesArePinned() {
        let expected: [String: UInt64] = [
            "": 0xcbf2_9ce4_8422_2325, "a": 0xaf63_dc4c_8601_ec8c, "foobar": 0x8594_4171_f739_67e8,
            "user-42": 0x32c6_d7a5_4d35_dacb, "EUR": 0xd97d_1719_8e7b_f8c7,
        ]
        for (key, hash) in expected {
            var k = key
            let got = k.withUTF8 { PartitionedEdge.hash($0.baseAddress, count: $0.count) }
            #expect(got == hash, "\(key)")
        }
        #expect(PartitionedEdge.hash(nil, count: 0) == 0xcbf2_9ce4_8422_2325)
    }

    /// Records keyed by their record key, by a string field and by an i64 field land on the instances
    /// they always did (4 instances).
    @Test func partitionAssignmentIsPinned() throws {
        let batch = RecordBatch(schema: Self.schema, capacity: 16)
        let numbers: [Int64] = [0, 1, 42, -7]
        for (i, key) in Self.keys.enumerated() {
            let r = batch.appendEmpty()
            batch.setStringField(r, 0, key)
            batch.setField(r, 1, .integer(numbers[i % numbers.count]))
            var k = key
            k.withUTF8 { batch.setKey(r, $0.baseAddress, count: $0.count) }
        }
        // Instance = (hash mod 128) · 4 / 128 (key groups, `KeyGroups`), checked with an independent FNV-1a.
        // By record key: "" has no key (round-robin, so the first keyless record goes to 0).
        let byKey = (0..<4).map { _ in Collector() }
        try Self.partition(batch, into: byKey)
        #expect(byKey.map(\.texts) == [["", "a"], [], ["user-42", "EUR"], ["foobar"]])

        let byString = (0..<4).map { _ in Collector(field: 0) }
        try Self.partition(batch, into: byString, field: 0)
        #expect(byString.map(\.texts) == [["a"], [""], ["user-42", "EUR"], ["foobar"]])

        let byNumber = (0..<4).map { _ in Collector(field: 1) }
        try Self.partition(batch, into: byNumber, field: 1)
        #expect(byNumber.map(\.integers) == [[], [1], [0, 0], [42, -7]])
    }

    /// The memory store's and the window key table's hashes (in-memory only, but pinned all the same).
    @Test func tableHashesArePinned() {
        var key = "user-42"
        key.withUTF8 { bytes in
            #expect(MemoryStore.hash(UnsafeRawBufferPointer(bytes)) == 0x32c6_d7a5_4d35_dacb)
            #expect(KeyTable.hash(bytes.baseAddress, bytes.count, 4) == 0x5a3d_6671_b6d8_cb44)
        }
        #expect(KeyTable.hash(nil, 0, 0) == 0xcbf2_9ce2_dbb6_c401)
        var v: Int64 = 42
        withUnsafeBytes(of: &v) { raw in
            #expect(KeyTable.hash(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), 8, 1) == 0xe040_1665_2e9a_23df)
        }
    }
}
