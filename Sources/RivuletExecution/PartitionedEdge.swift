// PartitionedEdge: an edge to a parallel operator: each batch is split by key hash over its instances' rings.
import CRivulet
import RivuletCore
import RivuletHashing

/// Routes every record to instance `hash(key) mod n` of a parallel downstream operator, so all records of
/// a key meet the same instance (and its state). Records without a key are spread round-robin, or all go
/// to instance 0 when the instances keep state per key. Sub-batches forward records by reference: no
/// bytes are copied. Watermarks and the end of stream go to every instance.
public final class PartitionedEdge: Edge {
    public let name: String
    public let rings: [RingEdge]
    /// Partition by this field's value instead of the record key (a window's `key_by`).
    let field: Int?
    /// The targets keep state per key (stores): records without a key all go to instance 0, so their
    /// state stays in one place; otherwise they are spread round-robin.
    let keylessToFirst: Bool
    /// Touched per key-less record by one thread (the sender's): no dynamic exclusivity check.
    @exclusivity(unchecked) private var roundRobin = 0

    public init(name: String, rings: [RingEdge], field: Int? = nil, keylessToFirst: Bool = false) {
        precondition(!rings.isEmpty, "a partitioned edge feeds at least one ring")
        self.name = name
        self.rings = rings
        self.field = field
        self.keylessToFirst = keylessToFirst
    }

    public var isFused: Bool { false }

    /// FNV-1a, 64-bit: stable across runs and machines, so a key always lands on the same instance.
    @inlinable
    public static func hash(_ bytes: UnsafePointer<UInt8>?, count: Int) -> UInt64 {
        FNV1a.hash(bytes, count: count)
    }

    /// The instance record `r` goes to.
    @inline(__always)
    func instance(for r: UnsafePointer<rv_record>, of n: Int) -> Int {
        if let field {
            let f = r.pointee.fields[field]
            if f.type == FieldType.string.rawValue || f.type == FieldType.bytes.rawValue {
                return Int(Self.hash(f.value.ptr, count: Int(f.len)) % UInt64(n))
            }
            var value = f.value.i64
            return Int(withUnsafeBytes(of: &value) { Self.hash($0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 8) } % UInt64(n))
        }
        if r.pointee.key_len > 0 { return Int(Self.hash(r.pointee.key, count: Int(r.pointee.key_len)) % UInt64(n)) }
        if keylessToFirst { return 0 }
        let next = roundRobin
        roundRobin = next + 1 == n ? 0 : next + 1
        return next
    }

    public func send(_ batch: RecordBatch) throws {
        let n = rings.count
        var parts = [RecordBatch?](repeating: nil, count: n)
        for i in 0..<batch.count {
            let target = instance(for: batch.record(at: i), of: n)
            if parts[target] == nil { parts[target] = RecordBatch(schema: batch.schema, capacity: batch.count) }
            parts[target]!.appendForwarded(from: batch, index: i)
        }
        for (t, part) in parts.enumerated() {
            if let part { try rings[t].send(part) }
        }
    }

    public func sendWatermark(_ watermark: Int64) throws {
        for ring in rings { try ring.sendWatermark(watermark) }
    }

    public func sendEndOfStream() throws {
        for ring in rings { try ring.sendEndOfStream() }
    }
}
