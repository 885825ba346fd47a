// AverageAggregate: `avg(field)`: the mean of a numeric field as a double; NULLs skipped.
import CRivulet
import RivuletCore
import RivuletSnapshot

/// The arithmetic mean. Its accumulator is a `SumAggregate`'s (the sum — exact Int64 for integer fields,
/// Double for floats — and the count of non-NULL values); the result is sum / count, NULL for none.
public final class AverageAggregate: WindowAggregate {
    let sum: SumAggregate

    public init(field: Int, type: FieldType) {
        sum = SumAggregate(field: field, type: type)
    }

    public var resultType: FieldType { .f64 }
    public var size: Int { sum.size }
    public func initialize(_ acc: UnsafeMutableRawPointer) { sum.initialize(acc) }
    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) { sum.add(acc, record) }
    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) { sum.merge(acc, other) }

    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field {
        let n = acc.load(fromByteOffset: 8, as: Int64.self)
        guard n > 0 else { return rv_field() }
        let total = sum.integer ? Double(acc.load(as: Int64.self)) : acc.load(as: Double.self)
        return .double(total / Double(n))
    }

    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) {
        AccumulatorWords.save(acc, words: 2, into: &writer)
    }

    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws {
        try AccumulatorWords.load(acc, words: 2, from: &reader)
    }
}
