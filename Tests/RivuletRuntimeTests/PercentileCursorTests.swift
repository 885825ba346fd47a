// PercentileCursorTests: a percentile kept as records come equals HdrHistogram's scan after every record.
import CRivulet
import Histogram
import RivuletCore
import RivuletSnapshot
import RivuletWindows
import Testing

/// `PercentileAggregate` moves a cursor per record instead of scanning every bucket for each result
/// (`emit: update` asks for one per change): after every record — and after merges and a checkpoint's
/// restore — its result must be exactly `Histogram.valueAtPercentile` of the same values.
struct PercentileCursorTests {
    /// Values spread over small (exact buckets), mid and large magnitudes, zeros and repeats included.
    static func values(_ count: Int, seed: UInt64) -> [Int64] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let r = state >> 11
            switch r % 5 {
            case 0: return 0
            case 1: return Int64(r % 300)
            case 2: return Int64(r % 5_000)
            case 3: return Int64(r % 10_000_000)
            default: return 42
            }
        }
    }

    /// A one-field (i64) batch holding `values`.
    static func batch(_ values: [Int64]) -> RecordBatch {
        let batch = RecordBatch(schema: Schema([FieldDefinition(name: "v", type: .i64)]), capacity: max(1, values.count))
        for v in values {
            let i = batch.appendEmpty()
            batch.setField(i, 0, .integer(v))
        }
        return batch
    }

    static func reference() -> Histogram<UInt32> {
        var h = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: 2048, numberOfSignificantValueDigits: .two)
        h.autoResize = true
        return h
    }

    @Test(arguments: [0.1, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9])
    func everyResultEqualsTheScan(percentile: Double) throws {
        let aggregate = PercentileAggregate(field: 0, percentile: percentile)
        let acc = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        defer { acc.deallocate() }
        aggregate.initialize(acc)
        var h = Self.reference()
        let values = Self.values(3_000, seed: UInt64(percentile * 10))
        let batch = Self.batch(values)
        for (i, v) in values.enumerated() {
            aggregate.add(acc, batch.record(at: i))
            _ = h.record(UInt64(v))
            // Results are asked for after some records only (as a window emits), so the cursor also moves far.
            if i % 7 != 3 {
                #expect(aggregate.result(acc).value.i64 == Int64(h.valueAtPercentile(percentile)), "after \(i + 1) values")
            }
        }
        aggregate.release(acc)
    }

    @Test func resultsAfterAMergeAndARestoreEqualTheScan() throws {
        let aggregate = PercentileAggregate(field: 0, percentile: 95)
        let a = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8), b = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        defer {
            a.deallocate()
            b.deallocate()
        }
        aggregate.initialize(a)
        aggregate.initialize(b)
        var h = Self.reference()
        let first = Self.values(500, seed: 1), second = Self.values(500, seed: 2), third = Self.values(500, seed: 3)
        let (x, y, z) = (Self.batch(first), Self.batch(second), Self.batch(third))
        for i in 0..<500 {
            aggregate.add(a, x.record(at: i))
            aggregate.add(b, y.record(at: i))
            _ = h.record(UInt64(first[i]))
            _ = h.record(UInt64(second[i]))
            _ = aggregate.result(a)
        }
        try aggregate.merge(a, b)
        aggregate.release(b)
        #expect(aggregate.result(a).value.i64 == Int64(h.valueAtPercentile(95)))
        var writer = SnapshotWriter()
        aggregate.snapshot(a, into: &writer)
        aggregate.release(a)
        aggregate.initialize(a)
        var reader = SnapshotReader(writer.bytes, name: "percentile")
        try aggregate.restore(a, from: &reader)
        for i in 0..<500 {
            aggregate.add(a, z.record(at: i))
            _ = h.record(UInt64(third[i]))
            #expect(aggregate.result(a).value.i64 == Int64(h.valueAtPercentile(95)), "after \(i + 1) values past the restore")
        }
        aggregate.release(a)
    }
}
