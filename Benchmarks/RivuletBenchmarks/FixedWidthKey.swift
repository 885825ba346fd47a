// FixedWidthKey: a reusable key buffer ("key-" and 12 decimal digits) written without allocating.
/// The keys of the store benchmarks, e.g. `key-000000000042`, rewritten in place for every record so the
/// benchmark itself allocates nothing per record (its mallocs are the store's).
///
/// Unsafe code: `bytes` is allocated once with exactly `width` bytes, owned by this object and freed in
/// `deinit`; `set(_:)` writes only inside it, and `buffer` is valid until the next `set` or the end of the
/// object. One thread uses a key at a time.
final class FixedWidthKey {
    static let prefix = Array("key-".utf8)
    static let digits = 12
    static var width: Int { prefix.count + digits }

    private let bytes: UnsafeMutableRawBufferPointer

    init() {
        bytes = .allocate(byteCount: Self.width, alignment: 1)
        bytes.copyBytes(from: Self.prefix)
    }

    deinit { bytes.deallocate() }

    /// The key for `number` (0 ≤ number < 10^12).
    func set(_ number: Int) {
        var rest = number
        for i in stride(from: Self.width - 1, through: Self.prefix.count, by: -1) {
            bytes[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(bytes) }
}
