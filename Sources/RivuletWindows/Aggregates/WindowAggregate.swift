// WindowAggregate: what a window operator needs from an aggregate: a fixed-size accumulator and its operations.
import CRivulet
import RivuletCore
import RivuletSnapshot

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
    /// Checkpoints: writes everything the accumulator holds — its bytes, or what they refer to (a
    /// histogram, a label table) — so that `restore` rebuilds a copy that goes on exactly as it would have.
    /// Called between batches only; it must not change the accumulator.
    func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) throws
    /// Checkpoints: reads back what `snapshot` wrote into `acc`, an accumulator just `initialize`d. Bad
    /// bytes throw `SnapshotCorrupt`, never crash.
    func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws
}

extension WindowAggregate {
    public func release(_ acc: UnsafeMutableRawPointer) {}
}

/// Accumulators that are plain 64-bit words (count, sum, avg, min/max): saved as little-endian words in
/// one bulk copy.
enum AccumulatorWords {
    static func save(_ acc: UnsafeMutableRawPointer, words: Int, into writer: inout SnapshotWriter) {
        #if _endian(little)
        writer.append(raw: UnsafeRawBufferPointer(start: acc, count: words * 8))
        #else
        for i in 0..<words { writer.write(acc.load(fromByteOffset: i * 8, as: UInt64.self)) }
        #endif
    }

    static func load(_ acc: UnsafeMutableRawPointer, words: Int, from reader: inout SnapshotReader) throws {
        try reader.withRaw(count: words * 8, "an accumulator") { raw in
            for i in 0..<words {
                acc.storeBytes(
                    of: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)), toByteOffset: i * 8, as: UInt64.self)
            }
        }
    }
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
