// KeyPartitioner: splits each batch by key hash across the rings of a parallel operator's instances.
import CRivulet
import RivuletCore
import RivuletHashing

/// Routes every record to instance `hash(key) mod n` of a parallel downstream operator, so all records of
/// a key meet the same instance (and its state). Records without a key are spread round-robin.
/// Sub-batches forward records by reference: no bytes are copied.
public final class KeyPartitioner: StreamOperator {
    public let name: String
    public let targets: [StreamOperator]
    let batchCapacity: Int
    /// Partition by this field's value instead of the record key (a window's `key_by`).
    let field: Int?
    /// The targets keep state per key (stores): records without a key all go to instance 0, so their
    /// state stays in one place; otherwise they are spread round-robin.
    let keylessToFirst: Bool
    private var roundRobin = 0

    public init(name: String, targets: [StreamOperator], batchCapacity: Int, field: Int? = nil, keylessToFirst: Bool = false) {
        self.name = name
        self.targets = targets
        self.batchCapacity = batchCapacity
        self.field = field
        self.keylessToFirst = keylessToFirst
    }

    /// FNV-1a, 64-bit: stable across runs and machines, so a key always lands on the same instance.
    @inlinable
    public static func hash(_ bytes: UnsafePointer<UInt8>?, count: Int) -> UInt64 {
        FNV1a.hash(bytes, count: count)
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        let n = targets.count
        var parts = [RecordBatch?](repeating: nil, count: n)
        for i in 0..<batch.count {
            let r = batch.record(at: i).pointee
            let target: Int
            if let field {
                var f = r.fields[field]
                let h = FieldType(rawValue: f.type)?.isBytesLike == true
                    ? Self.hash(f.value.ptr, count: Int(f.len))
                    : withUnsafeBytes(of: &f.value.i64) { Self.hash($0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 8) }
                target = Int(h % UInt64(n))
            } else if r.key_len > 0 {
                target = Int(Self.hash(r.key, count: Int(r.key_len)) % UInt64(n))
            } else if keylessToFirst {
                target = 0
            } else {
                target = roundRobin
                roundRobin = (roundRobin + 1) % n
            }
            if parts[target] == nil { parts[target] = RecordBatch(schema: batch.schema, capacity: batch.count) }
            parts[target]!.appendForwarded(from: batch, index: i)
        }
        for (t, part) in parts.enumerated() {
            if let part { try targets[t].process(part, port: port) }
        }
    }

    public func advanceWatermark(to watermark: Int64) throws {
        for t in targets { try t.advanceWatermark(to: watermark) }
    }

    public func finish() throws {
        for t in targets { try t.finish() }
    }

    public func close() {}
}
