// SumAggregate: `sum(field)`: exact Int64 sums of integer fields, Double sums of float fields; NULLs skipped.
import CRivulet
import RivuletCore
import RivuletSnapshot

/// Sums a field. Accumulator: the sum (Int64 or Double bits) and the count of non-NULL values; the result
/// is NULL when every value was NULL (as SQL's SUM).
public final class SumAggregate: WindowAggregate {
    let field: Int
    let integer: Bool
    /// A bool field sums its trues.
    let countsBooleans: Bool

    public init(field: Int, type: FieldType) {
        self.field = field
        integer = type != .f64
        countsBooleans = type == .bool
    }

    public var resultType: FieldType { integer ? .i64 : .f64 }
    public var size: Int { 16 }

    public func initialize(_ acc: UnsafeMutableRawPointer) {
        acc.storeBytes(of: 0, as: Int64.self)
        acc.storeBytes(of: 0, toByteOffset: 8, as: Int64.self)
    }

    @inline(__always)
    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) {
        let f = record.pointee.fields[field]
        if integer {
            guard f.type == FieldType.i64.rawValue || f.type == FieldType.timestamp.rawValue || (countsBooleans && f.type == FieldType.bool.rawValue)
            else { return }
            acc.storeBytes(of: acc.load(as: Int64.self) &+ f.value.i64, as: Int64.self)
        } else {
            guard let v = NumericValue.double(record, field) else { return }
            acc.storeBytes(of: acc.load(as: Double.self) + v, as: Double.self)
        }
        acc.storeBytes(of: acc.load(fromByteOffset: 8, as: Int64.self) + 1, toByteOffset: 8, as: Int64.self)
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) {
        if integer {
            acc.storeBytes(of: acc.load(as: Int64.self) &+ other.load(as: Int64.self), as: Int64.self)
        } else {
            acc.storeBytes(of: acc.load(as: Double.self) + other.load(as: Double.self), as: Double.self)
        }
        acc.storeBytes(
            of: acc.load(fromByteOffset: 8, as: Int64.self) + other.load(fromByteOffset: 8, as: Int64.self),
            toByteOffset: 8, as: Int64.self)
    }

    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field {
        if acc.load(fromByteOffset: 8, as: Int64.self) == 0 { return rv_field() }
        return integer ? .integer(acc.load(as: Int64.self)) : .double(acc.load(as: Double.self))
    }

    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) {
        AccumulatorWords.save(acc, words: 2, into: &writer)
    }

    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws {
        try AccumulatorWords.load(acc, words: 2, from: &reader)
    }
}
