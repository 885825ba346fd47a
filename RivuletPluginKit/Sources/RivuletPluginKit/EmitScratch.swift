// EmitScratch: the reusable memory behind emitting — field rows, a selection vector, bytes — and its invariants.
internal import CRivulet

/// Per-instance scratch memory for emitting and forwarding. It lives behind an `UnsafeMutablePointer`
/// owned by the `OperatorContext`, so per-record code pays neither exclusivity checks nor reference
/// counting. Invariants:
/// - `rows` has room for `rowCapacity` `rv_field`s (a trivial type) and `indexes` for `indexCapacity`
///   `UInt32`s. Both grow (contents discarded) and never shrink. What they hold matters only during one
///   emitting call: the host copies rows and reads indexes during the call.
/// - `arena` holds the bytes rows point to; it is reset at the start of every emitting call, so such a
///   pointer is valid until the next emitting call of the same instance.
/// - `currentBatch` is the batch of the `process` call running, nil outside one.
/// - Only the instance's thread touches it (the threading contract of rivulet.h).
struct EmitScratch {
    var currentBatch: UnsafePointer<rv_batch>?
    var rows: UnsafeMutablePointer<rv_field>
    var rowCapacity: Int
    var indexes: UnsafeMutablePointer<UInt32>
    var indexCapacity: Int
    var arena: ByteArena

    /// A new scratch area (free it with `destroy`).
    static func make() -> UnsafeMutablePointer<EmitScratch> {
        let p = UnsafeMutablePointer<EmitScratch>.allocate(capacity: 1)
        p.initialize(
            to: EmitScratch(
                currentBatch: nil, rows: .allocate(capacity: 64), rowCapacity: 64,
                indexes: .allocate(capacity: 64), indexCapacity: 64, arena: ByteArena()))
        return p
    }

    static func destroy(_ p: UnsafeMutablePointer<EmitScratch>) {
        p.pointee.rows.deallocate()
        p.pointee.indexes.deallocate()
        p.pointee.arena.deallocate()
        p.deinitialize(count: 1)
        p.deallocate()
    }

    /// Room for `count` fields (previous contents are lost when it grows).
    mutating func reserveRows(_ count: Int) -> UnsafeMutablePointer<rv_field> {
        if count > rowCapacity {
            rows.deallocate()
            rowCapacity = max(count, rowCapacity * 2)
            rows = .allocate(capacity: rowCapacity)
        }
        return rows
    }

    /// Room for `count` record indexes (previous contents are lost when it grows).
    mutating func reserveIndexes(_ count: Int) -> UnsafeMutablePointer<UInt32> {
        if count > indexCapacity {
            indexes.deallocate()
            indexCapacity = max(count, indexCapacity * 2)
            indexes = .allocate(capacity: indexCapacity)
        }
        return indexes
    }
}
