// SnapshotReader: reads back what a SnapshotWriter wrote, every read bounds-checked (a torn file fails, never crashes).

/// Reads values in the order they were written. Every read checks the bytes left: a truncated or
/// corrupt snapshot throws `SnapshotCorrupt` naming what was being read, it never reads out of bounds.
public struct SnapshotReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var position = 0
    /// For messages: which file or section this is.
    public let name: String

    public init(_ bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name
    }

    public var isAtEnd: Bool { position == bytes.count }
    public var remaining: Int { bytes.count - position }

    public mutating func readUInt8() throws(SnapshotCorrupt) -> UInt8 { UInt8(try littleEndian(width: 1, "a byte")) }

    public mutating func readBool() throws(SnapshotCorrupt) -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        default: throw SnapshotCorrupt(name, "a flag is neither 0 nor 1 at byte \(position - 1)")
        }
    }

    public mutating func readUInt16() throws(SnapshotCorrupt) -> UInt16 { UInt16(try littleEndian(width: 2, "a 16-bit integer")) }

    public mutating func readUInt32() throws(SnapshotCorrupt) -> UInt32 { UInt32(try littleEndian(width: 4, "a 32-bit integer")) }

    public mutating func readUInt64() throws(SnapshotCorrupt) -> UInt64 { try littleEndian(width: 8, "a 64-bit integer") }

    public mutating func readInt64() throws(SnapshotCorrupt) -> Int64 { Int64(bitPattern: try readUInt64()) }

    /// An `Int` written with `write(_: Int)`, required to lie in `range`.
    public mutating func readInt(in range: ClosedRange<Int> = 0...Int.max, _ what: String = "a count") throws(SnapshotCorrupt) -> Int {
        let value = try readInt64()
        guard value >= Int64(range.lowerBound), value <= Int64(range.upperBound) else {
            throw SnapshotCorrupt(name, "\(what) is \(value), outside \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(value)
    }

    public mutating func readDouble() throws(SnapshotCorrupt) -> Double { Double(bitPattern: try readUInt64()) }

    /// Length-prefixed bytes.
    public mutating func readBytes() throws(SnapshotCorrupt) -> [UInt8] {
        let count = Int(try readUInt32())
        return try readRaw(count: count, "a byte string")
    }

    /// Length-prefixed UTF-8.
    public mutating func readString() throws(SnapshotCorrupt) -> String {
        let raw = try readBytes()
        guard let text = String(validating: raw, as: UTF8.self) else { throw SnapshotCorrupt(name, "a string is not UTF-8") }
        return text
    }

    /// `count` bytes as they are.
    public mutating func readRaw(count: Int, _ what: String = "bytes") throws(SnapshotCorrupt) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw SnapshotCorrupt(name, "\(what) of \(count) bytes runs past the end (\(remaining) left at byte \(position))")
        }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Skips `count` bytes (checked).
    public mutating func skip(count: Int, _ what: String = "bytes") throws(SnapshotCorrupt) {
        guard count >= 0, count <= remaining else {
            throw SnapshotCorrupt(name, "\(what) of \(count) bytes runs past the end (\(remaining) left at byte \(position))")
        }
        position += count
    }

    /// Calls `body` with `count` bytes in place (no copy).
    public mutating func withRaw<R>(count: Int, _ what: String = "bytes", _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard count >= 0, count <= remaining else {
            throw SnapshotCorrupt(name, "\(what) of \(count) bytes runs past the end (\(remaining) left at byte \(position))")
        }
        defer { position += count }
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[position..<position + count])) }
    }

    /// Length-prefixed bytes, in place (no copy).
    public mutating func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let count = Int(try readUInt32())
        return try withRaw(count: count, "a byte string", body)
    }

    /// Throws unless every byte was read (a snapshot longer than its reader expects is from another format).
    public func expectEnd() throws(SnapshotCorrupt) {
        guard isAtEnd else { throw SnapshotCorrupt(name, "\(remaining) unexpected bytes after the state") }
    }

    private mutating func littleEndian(width: Int, _ what: String) throws(SnapshotCorrupt) -> UInt64 {
        guard width <= remaining else { throw SnapshotCorrupt(name, "\(what) runs past the end at byte \(position)") }
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += width
        return value
    }
}
