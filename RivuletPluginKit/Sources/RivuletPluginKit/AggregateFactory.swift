// AggregateFactory: a Swift aggregate type with its accumulator type erased, behind its definition's user_data.
internal import CRivulet

/// What the trampolines of one Swift aggregate type call. Held by the definition's `user_data` for the
/// life of the process.
final class AggregateFactory {
    let initialize: (UnsafeMutableRawPointer) -> Void
    let add: (UnsafeMutableRawPointer, rv_field) throws -> Void
    let merge: (UnsafeMutableRawPointer, UnsafeRawPointer) -> Void
    let result: (UnsafeRawPointer) -> FieldValue

    init<A: RivuletAggregate>(_ type: A.Type) {
        // The host hands 16-byte-aligned accumulators of MemoryLayout<A.Accumulator>.size bytes.
        initialize = { $0.initializeMemory(as: A.Accumulator.self, repeating: A.initial(), count: 1) }
        add = { acc, field in try A.add(&acc.assumingMemoryBound(to: A.Accumulator.self).pointee, FieldInput(raw: field)) }
        merge = { acc, other in A.merge(&acc.assumingMemoryBound(to: A.Accumulator.self).pointee, other.load(as: A.Accumulator.self)) }
        result = { A.result($0.load(as: A.Accumulator.self)) }
    }
}
