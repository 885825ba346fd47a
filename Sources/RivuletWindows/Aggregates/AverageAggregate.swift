// AverageAggregate: `avg(field)`: the mean of a numeric field as a double; NULLs skipped.
import CRivulet
import RivuletCore

/// The arithmetic mean. Accumulator: an exact Int64 sum for integer fields (a Double sum for floats) and
/// the count; the result is sum / count, NULL for no values.
public final class AverageAggregate: WindowAggregate {
    let field: Int
    let integer: Bool

    public init(field: Int, type: FieldType) {
        self.field = field
        integer = type != .f64
    }

    public var resultType: FieldType { .f64 }
    public var size: Int { 16 }

    public func initialize(_ acc: UnsafeMutableRawPointer) {
        acc.storeBytes(of: 0, as: Int64.self)
        acc.storeBytes(of: 0, toByteOffset: 8, as: Int64.self)
    }

    @inline(__always)
    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) {
        let f = record.pointee.fields[field]
        if integer {
            guard f.type == FieldType.i64.rawValue || f.type == FieldType.timestamp.rawValue else { return }
            acc.storeBytes(of: acc.load(as: Int64.self) &+ f.value.i64, as: Int64.self)
        } else {
            guard f.type == FieldType.f64.rawValue else { return }
            acc.storeBytes(of: acc.load(as: Double.self) + f.value.f64, as: Double.self)
        }
        acc.storeBytes(of: acc.load(fromByteOffset: 8, as: Int64.self) + 1, toByteOffset: 8, as: Int64.self)
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) {
        if integer {
            acc.storeBytes(of: acc.load(as: Int64.self) &+ other.load(as: Int64.self), as: Int64.self)
        } else {
            acc.storeBytes(of: acc.load(as: Double.self) + other.load(as: Double.self), as: Double.self)
        }
        acc.storeBytes(of: acc.load(fromByteOffset: 8, as: Int64.self) + other.load(fromByteOffset: 8, as: Int64.self),
                       toByteOffset: 8, as: Int64.self)
    }

    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field {
        let n = acc.load(fromByteOffset: 8, as: Int64.self)
        guard n > 0 else { return rv_field() }
        let sum = integer ? Double(acc.load(as: Int64.self)) : acc.load(as: Double.self)
        return .double(sum / Double(n))
    }
}
