// ConditionalAggregate: an aggregate that folds in only the records whose bool condition field is true.
import CRivulet
import RivuletCore
import RivuletSnapshot

/// `count() where status == 'failed'`: wraps any aggregate so that `add` skips records whose condition
/// field (a bool computed before the window) is false or NULL. The accumulator, its merge, result and
/// checkpoint are the wrapped aggregate's.
public final class ConditionalAggregate: WindowAggregate {
    let inner: WindowAggregate
    let condition: Int

    public init(_ inner: WindowAggregate, condition: Int) {
        self.inner = inner
        self.condition = condition
    }

    public var resultType: FieldType { inner.resultType }
    public var size: Int { inner.size }
    public func initialize(_ acc: UnsafeMutableRawPointer) throws { try inner.initialize(acc) }

    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) throws {
        let c = record.pointee.fields[condition]
        guard c.type == FieldType.bool.rawValue, c.value.i64 != 0 else { return }
        try inner.add(acc, record)
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) throws { try inner.merge(acc, other) }
    public func result(_ acc: UnsafeMutableRawPointer) throws -> rv_field { try inner.result(acc) }
    public func release(_ acc: UnsafeMutableRawPointer) { inner.release(acc) }
    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) throws { try inner.snapshot(acc, into: &writer) }
    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws { try inner.restore(acc, from: &reader) }
}
