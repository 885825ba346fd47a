// SnapshotWriter: appends values to a growing byte buffer in a fixed little-endian layout (checkpoint state).

/// The encoder of every piece of checkpointed state: fixed-width little-endian integers and doubles,
/// length-prefixed byte strings and strings. The layout does not depend on the machine, so a checkpoint
/// moves between hosts. Read back with `SnapshotReader`, in the same order.
public struct SnapshotWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(_ value: UInt16) { appendLittleEndian(UInt64(value), width: 2) }

    public mutating func write(_ value: UInt32) { appendLittleEndian(UInt64(value), width: 4) }

    public mutating func write(_ value: UInt64) { appendLittleEndian(value, width: 8) }

    public mutating func write(_ value: Int64) { appendLittleEndian(UInt64(bitPattern: value), width: 8) }

    public mutating func write(_ value: Int) { write(Int64(value)) }

    public mutating func write(_ value: Double) { write(value.bitPattern) }

    /// A length (u32) then the bytes.
    public mutating func write(bytes value: UnsafeRawBufferPointer) {
        write(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// A length (u32) then the bytes.
    public mutating func write(bytes value: [UInt8]) {
        write(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// A length (u32) then the UTF-8 bytes.
    public mutating func write(_ value: String) { write(bytes: Array(value.utf8)) }

    /// Bytes as they are, with no length (the reader must know how many).
    public mutating func append(raw value: UnsafeRawBufferPointer) { bytes.append(contentsOf: value) }

    /// Makes room for `count` more bytes at once (call once before many small writes, not per write:
    /// an array's reserve does not grow geometrically).
    public mutating func reserve(additional count: Int) { bytes.reserveCapacity(bytes.count + count) }

    /// Overwrites the u32 at `offset` (a length written as a placeholder before what it measures).
    mutating func patch(_ value: UInt32, at offset: Int) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }

    /// Drops everything from `count` bytes on.
    mutating func truncate(to count: Int) { bytes.removeSubrange(count...) }

    private mutating func appendLittleEndian(_ value: UInt64, width: Int) {
        for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}
