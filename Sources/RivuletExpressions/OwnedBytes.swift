// OwnedBytes: the bytes a constant string field points at, kept alive by the closures that return it.

/// Bytes a constant's field points at, alive as long as the closure holding this.
final class OwnedBytes: @unchecked Sendable {
    let pointer: UnsafePointer<UInt8>?
    let count: Int

    init(_ bytes: some Collection<UInt8>) {
        count = bytes.count
        guard count > 0 else {
            pointer = nil
            return
        }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        _ = UnsafeMutableBufferPointer(start: p, count: count).initialize(from: bytes)
        pointer = UnsafePointer(p)
    }

    convenience init(_ buffer: UnsafeRawBufferPointer) { self.init(Array(buffer)) }

    deinit { pointer.map { UnsafeMutablePointer(mutating: $0).deallocate() } }
}
