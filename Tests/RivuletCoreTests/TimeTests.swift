// TimeTests: RFC 3339 parsing and the timestamp assigner's per-record watermarks.
import CRivulet
import Testing

@testable import RivuletCore

@Suite struct CoreTimeTests {
    func rfc(_ text: String) -> Int64? {
        var t = text
        return t.withUTF8 { RFC3339.milliseconds(UnsafeRawBufferPointer($0)) }
    }

    @Test func rfc3339() {
        #expect(rfc("1970-01-01T00:00:00Z") == 0)
        #expect(rfc("2026-03-01T09:00:05.120Z") == 1_772_355_605_120)
        #expect(rfc("2026-03-01T10:00:05.120+01:00") == 1_772_355_605_120)
        #expect(rfc("2026-03-01 09:00:05.1209z") == 1_772_355_605_120)
        #expect(rfc("2024-02-29T23:59:59.999-00:30") == 1_709_252_999_999, "2024-03-01T00:29:59.999Z")
        #expect(rfc("1969-12-31T23:59:59.500Z") == -500)
        #expect(rfc("2023-02-29T00:00:00Z") == nil, "not a leap year")
        #expect(rfc("2026-03-01T09:00:05") == nil, "an offset is required")
        #expect(rfc("2026-03-01T09:00:05.Z") == nil)
        #expect(rfc("2026-3-01T09:00:05Z") == nil)
        #expect(rfc("yesterday") == nil)
    }

    /// A batch of `ts` (i64) records, stamped by `assigner`.
    func stamped(_ values: [rv_field], _ assigner: TimestampAssigner) -> (RecordBatch, [(index: Int, reason: String)]) {
        let batch = RecordBatch(schema: Schema([FieldDefinition(name: "ts", type: .i64)]), capacity: values.count)
        for v in values {
            let i = batch.appendEmpty()
            batch.setField(i, 0, v)
        }
        return (batch, (try? assigner.stamp(batch)) ?? [])
    }

    @Test func eachRecordCarriesTheWatermarkBeforeIt() {
        let assigner = TimestampAssigner(origin: .field(index: 0, name: "ts", encoding: .epochMilliseconds), bound: 2)
        let (batch, rejected) = stamped([.integer(10), .integer(7), .integer(15), rv_field(), .integer(12)], assigner)
        #expect(rejected.map(\.index) == [3])
        #expect(rejected.first?.reason == "event time field 'ts' is empty")
        #expect((0..<5).map { batch.record(at: $0).pointee.timestamp } == [10, 7, 15, 0, 12])
        #expect([0, 1, 2, 4].map { batch.watermarkBefore($0) } == [.min, 8, 8, 13])
        #expect(assigner.watermark == 13)
        batch.remove(sortedIndexes: rejected.map(\.index))
        #expect(batch.count == 4 && batch.watermarkBefore(3) == 13 && batch.record(at: 3).pointee.timestamp == 12)
    }

    @Test func epochUnits() {
        let us = TimestampAssigner(origin: .field(index: 0, name: "ts", encoding: .epochMicroseconds), bound: 0)
        #expect(stamped([.integer(1_500_999), .integer(-1)], us).0.record(at: 1).pointee.timestamp == -1)
        #expect(stamped([.integer(1_500_999)], us).0.record(at: 0).pointee.timestamp == 1500)
        let s = TimestampAssigner(origin: .field(index: 0, name: "ts", encoding: .epochSeconds), bound: 0)
        #expect(stamped([.integer(1_700_000_000)], s).0.record(at: 0).pointee.timestamp == 1_700_000_000_000)
        #expect(stamped([.double(1.2345)], s).0.record(at: 0).pointee.timestamp == 1234)
        #expect(stamped([.integer(Int64.max / 10)], s).1.first?.reason == "event time field 'ts' is not a number of epoch_s: '\(Int64.max / 10)'")
    }

    @Test func forwardingKeepsTheColumn() {
        let assigner = TimestampAssigner(origin: .field(index: 0, name: "ts", encoding: .epochMilliseconds), bound: 0)
        let (batch, _) = stamped([.integer(1), .integer(5), .integer(3)], assigner)
        let out = RecordBatch(schema: batch.schema, capacity: 3)
        out.appendForwarded(from: batch, index: 2)
        _ = out.appendDerived(from: batch, index: 1)
        var selected: [UInt32] = [0]
        selected.withUnsafeBufferPointer { out.appendForwarded(from: batch, offset: 0, selected: $0) }
        #expect((0..<3).map { out.watermarkBefore($0) } == [5, 1, .min])
    }
}
