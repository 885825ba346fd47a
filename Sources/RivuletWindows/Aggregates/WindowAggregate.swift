// WindowAggregate: what a window operator needs from an aggregate: a fixed-size accumulator and its operations.
import CRivulet
import RivuletCore

/// An aggregate over the records of one key and window. The operator keeps one accumulator of `size`
/// bytes (16-byte aligned, zeroed before `initialize`) per key and window; the aggregate folds records
/// into it, merges two (session and sliding windows), and reads the result. Called by one thread.
public protocol WindowAggregate: AnyObject {
    /// The type of the result field.
    var resultType: FieldType { get }
    /// Accumulator bytes (a multiple of 8).
    var size: Int { get }
    func initialize(_ acc: UnsafeMutableRawPointer) throws
    /// Folds in one record.
    func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) throws
    /// Folds `other` into `acc` (`other` is released by the caller afterwards).
    func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) throws
    /// The result. String and bytes results point into memory the aggregate owns, valid until the next
    /// call on this aggregate; the caller copies them.
    func result(_ acc: UnsafeMutableRawPointer) throws -> rv_field
    /// Frees anything the accumulator refers to (side tables). The bytes are reused afterwards.
    func release(_ acc: UnsafeMutableRawPointer)
}

extension WindowAggregate {
    public func release(_ acc: UnsafeMutableRawPointer) {}
}

/// A numeric field value as Int64 or Double, following the field's declared type.
enum NumericValue {
    /// The value of field `index` of `record`, or nil when it is NULL or not a number.
    @inline(__always)
    static func double(_ record: UnsafePointer<rv_record>, _ index: Int) -> Double? {
        let f = record.pointee.fields[index]
        switch f.type {
        case FieldType.i64.rawValue, FieldType.timestamp.rawValue, FieldType.bool.rawValue: return Double(f.value.i64)
        case FieldType.f64.rawValue: return f.value.f64
        default: return nil
        }
    }
}
