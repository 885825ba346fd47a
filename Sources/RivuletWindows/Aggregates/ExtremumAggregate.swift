// ExtremumAggregate: `min(field)` and `max(field)`, keeping the field's numeric type; NULLs skipped.
import CRivulet
import RivuletCore
import RivuletSnapshot

/// The smallest or largest value of a numeric field. Accumulator: the value (Int64 or Double bits) and a
/// has-value flag.
public final class ExtremumAggregate: WindowAggregate {
    let field: Int
    let type: FieldType
    let largest: Bool

    public init(field: Int, type: FieldType, largest: Bool) {
        self.field = field
        self.type = type
        self.largest = largest
    }

    public var resultType: FieldType { type }
    public var size: Int { 16 }

    public func initialize(_ acc: UnsafeMutableRawPointer) {
        acc.storeBytes(of: 0, as: Int64.self)
        acc.storeBytes(of: 0, toByteOffset: 8, as: Int64.self)
    }

    @inline(__always)
    func fold(_ acc: UnsafeMutableRawPointer, _ bits: Int64) {
        let has = acc.load(fromByteOffset: 8, as: Int64.self) != 0
        if type == .f64 {
            let v = Double(bitPattern: UInt64(bitPattern: bits)), old = acc.load(as: Double.self)
            if !has || (largest ? v > old : v < old) { acc.storeBytes(of: v, as: Double.self) }
        } else {
            let old = acc.load(as: Int64.self)
            if !has || (largest ? bits > old : bits < old) { acc.storeBytes(of: bits, as: Int64.self) }
        }
        acc.storeBytes(of: 1, toByteOffset: 8, as: Int64.self)
    }

    @inline(__always)
    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) {
        let f = record.pointee.fields[field]
        guard f.type == type.rawValue else { return }
        fold(acc, f.value.i64)
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) {
        if other.load(fromByteOffset: 8, as: Int64.self) != 0 { fold(acc, other.load(as: Int64.self)) }
    }

    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field {
        guard acc.load(fromByteOffset: 8, as: Int64.self) != 0 else { return rv_field() }
        var f = rv_field()
        f.type = type.rawValue
        f.value.i64 = acc.load(as: Int64.self)
        return f
    }

    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) {
        AccumulatorWords.save(acc, words: 2, into: &writer)
    }

    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws {
        try AccumulatorWords.load(acc, words: 2, from: &reader)
    }
}
