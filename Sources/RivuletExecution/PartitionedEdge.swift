// PartitionedEdge: an edge to a parallel operator: each batch is split by key hash over its instances' rings.
import CRivulet
import RivuletCore
import RivuletHashing

/// Routes every record to the instance of a parallel downstream operator that owns the key's key group
/// (`KeyGroups`: `hash(key) mod maxParallelism`, then contiguous ranges of groups per instance), so all
/// records of a key meet the same instance and its state — and a checkpoint's keyed state, saved per key
/// group, restores onto the instance that will receive the key's records, whatever the parallelism. Records without a key are spread round-robin, or all go
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
    let keyGroups: KeyGroups
    /// Touched per key-less record by one thread (the sender's): no dynamic exclusivity check.
    @exclusivity(unchecked) private var roundRobin = 0

    public init(name: String, rings: [RingEdge], field: Int? = nil, keylessToFirst: Bool = false, keyGroups: KeyGroups = KeyGroups()) {
        precondition(!rings.isEmpty, "a partitioned edge feeds at least one ring")
        self.name = name
        self.rings = rings
        self.field = field
        self.keylessToFirst = keylessToFirst
        self.keyGroups = keyGroups
    }

    public var isFused: Bool { false }

    /// FNV-1a, 64-bit: stable across runs and machines, so a key always lands on the same instance.
    @inlinable
    public static func hash(_ bytes: UnsafePointer<UInt8>?, count: Int) -> UInt64 {
        FNV1a.hash(bytes, count: count)
    }

    /// The hash records are partitioned by: of field `field`'s value (a string's bytes, or the 8 bytes of
    /// any other value), else of the record key; nil for a record without a key. Operators that save
    /// keyed state compute its key group from this same hash (`KeyGroups.group(ofHash:)`).
    @inlinable @inline(__always)
    public static func keyHash(of r: UnsafePointer<rv_record>, field: Int?) -> UInt64? {
        if let field {
            let f = r.pointee.fields[field]
            if f.type == FieldType.string.rawValue || f.type == FieldType.bytes.rawValue {
                return hash(f.value.ptr, count: Int(f.len))
            }
            var value = f.value.i64
            return withUnsafeBytes(of: &value) { hash($0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 8) }
        }
        if r.pointee.key_len > 0 { return hash(r.pointee.key, count: Int(r.pointee.key_len)) }
        return nil
    }

    /// The instance record `r` goes to.
    @inline(__always)
    func instance(for r: UnsafePointer<rv_record>, of n: Int) -> Int {
        if let hash = Self.keyHash(of: r, field: field) { return keyGroups.instance(ofHash: hash, parallelism: n) }
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

    public func sendBarrier(_ id: UInt64) throws {
        for ring in rings { try ring.sendBarrier(id) }
    }
}
