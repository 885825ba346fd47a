// CountAggregate: `count()`: the number of records in the window.
import CRivulet
import RivuletCore
import RivuletSnapshot

/// Counts records. Accumulator: one Int64.
public final class CountAggregate: WindowAggregate {
    public init() {}
    public var resultType: FieldType { .i64 }
    public var size: Int { 8 }
    public func initialize(_ acc: UnsafeMutableRawPointer) { acc.storeBytes(of: 0, as: Int64.self) }
    @inline(__always)
    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) {
        acc.storeBytes(of: acc.load(as: Int64.self) &+ 1, as: Int64.self)
    }
    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) {
        acc.storeBytes(of: acc.load(as: Int64.self) &+ other.load(as: Int64.self), as: Int64.self)
    }
    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field { .integer(acc.load(as: Int64.self)) }
    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) {
        AccumulatorWords.save(acc, words: 1, into: &writer)
    }
    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws {
        try AccumulatorWords.load(acc, words: 1, from: &reader)
    }
}
