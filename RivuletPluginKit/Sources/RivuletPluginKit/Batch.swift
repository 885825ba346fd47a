// Batch: a borrowed batch of records, a RandomAccessCollection of `Record`s.
internal import CRivulet

/// The records a `process` call received, in order: `batch[i]`, `batch.count`, `for record in batch`,
/// `batch.indices`, and every algorithm of `RandomAccessCollection`. Borrowed: valid only during the
/// callback that received it (the host may reuse its memory afterwards). Subscripting is O(1) and does
/// not allocate.
public struct Batch: RandomAccessCollection {
    let raw: UnsafePointer<rv_batch>

    init(raw: UnsafePointer<rv_batch>) { self.raw = raw }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(raw.pointee.count) }

    public subscript(position: Int) -> Record {
        precondition(position >= 0 && position < endIndex, "record index \(position) is outside the batch of \(endIndex)")
        let base = UnsafeRawPointer(raw.pointee.records!) + position * Int(raw.pointee.record_size)
        return Record(raw: base.assumingMemoryBound(to: rv_record.self), index: position)
    }
}
