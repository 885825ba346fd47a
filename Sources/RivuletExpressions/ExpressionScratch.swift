// ExpressionScratch: where string results of one record's evaluation live until the next record.
import CRivulet
import RivuletCore

/// Bytes for the strings an expression makes (`lower`, `||`, casts), valid until `reset` — called before
/// each record. Memory comes in blocks that never move (a string handed out stays where it is while
/// more are added), kept from record to record: after the first records, evaluation allocates nothing.
///
/// Unsafe: `rv_field`s returned by `store` point into these blocks; they are valid until `reset` or
/// deinit, and the operators copy them into their output batch before either.
public final class ExpressionScratch {
    private var blocks: [UnsafeMutableRawPointer] = []
    private var sizes: [Int] = []
    private var block = 0
    private var used = 0
    static let blockSize = 64 * 1024

    public init() {}

    deinit {
        for b in blocks { b.deallocate() }
    }

    /// Forgets every string handed out (their bytes are reused).
    public func reset() {
        block = 0
        used = 0
    }

    /// Room for `count` bytes that stay put until `reset`.
    func allocate(_ count: Int) -> UnsafeMutableRawPointer {
        while block < blocks.count {
            if used + count <= sizes[block] {
                defer { used += count }
                return blocks[block] + used
            }
            block += 1
            used = 0
        }
        let size = max(Self.blockSize, count)
        blocks.append(.allocate(byteCount: size, alignment: 8))
        sizes.append(size)
        block = blocks.count - 1
        used = count
        return blocks[block]
    }

    /// The longest string an expression may make.
    static let maximumString = 1 << 30

    /// A string field holding a copy of `bytes`; a failure beyond `maximumString`.
    func string(_ bytes: UnsafeRawBufferPointer) throws(ExpressionFailure) -> rv_field {
        guard bytes.count <= Self.maximumString else { throw ExpressionFailure("a string of \(bytes.count) bytes (at most 1 GiB)") }
        return stored(bytes)
    }

    /// A string field holding a copy of `bytes` (checked by the caller).
    private func stored(_ bytes: UnsafeRawBufferPointer) -> rv_field {
        var f = rv_field()
        f.type = FieldType.string.rawValue
        f.len = UInt32(bytes.count)
        if bytes.count > 0 {
            let p = allocate(bytes.count)
            p.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            f.value.ptr = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
        }
        return f
    }

    /// A string field holding `text`'s UTF-8.
    func string(_ text: String) throws(ExpressionFailure) -> rv_field {
        var text = text
        let count = text.utf8.count
        guard count <= Self.maximumString else { throw ExpressionFailure("a string of \(count) bytes (at most 1 GiB)") }
        return text.withUTF8 { stored(UnsafeRawBufferPointer($0)) }
    }
}

extension ExpressionScratch {
    /// The strings `a` and `b` one after the other.
    func concatenate(_ a: rv_field, _ b: rv_field) throws(ExpressionFailure) -> rv_field {
        try withUnsafeTemporaryAllocation(of: rv_field.self, capacity: 2) { parts throws(ExpressionFailure) in
            parts[0] = a
            parts[1] = b
            return try concatenate(UnsafeBufferPointer(parts))
        }
    }

    /// The strings `parts` one after the other.
    func concatenate(_ parts: some Collection<rv_field>) throws(ExpressionFailure) -> rv_field {
        let total = parts.reduce(0) { $0 + Int($1.len) }
        guard total <= Self.maximumString else { throw ExpressionFailure("a string of \(total) bytes (at most 1 GiB)") }
        var f = rv_field()
        f.type = FieldType.string.rawValue
        f.len = UInt32(total)
        guard total > 0 else { return f }
        let p = allocate(total)
        var at = 0
        for part in parts where part.len > 0 {
            (p + at).copyMemory(from: part.value.ptr, byteCount: Int(part.len))
            at += Int(part.len)
        }
        f.value.ptr = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
        return f
    }
}
