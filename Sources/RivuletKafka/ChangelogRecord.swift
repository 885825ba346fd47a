// ChangelogRecord: the records of a changelog partition: a key group's state in chunks, and the head naming them.
import RivuletSnapshot

/// A key group's state is written to its changelog partition as chunks (at most `chunkBytes` each, keys
/// `<slot>:<i>`) followed by a head (key `head`: checkpoint id, slot, chunk count). Two slots alternate,
/// so a publication cut short by a crash overwrites only chunks the last complete head does not name;
/// compaction keeps the newest record of each key, which is all a restore needs.
enum ChangelogRecord {
    static let chunkBytes = 512 * 1024
    static let headKey = Array("head".utf8)

    static func chunkKey(slot: Int, index: Int) -> [UInt8] { Array("\(slot):\(index)".utf8) }

    static func head(checkpoint: UInt64, slot: Int, chunks: Int) -> [UInt8] {
        var w = SnapshotWriter()
        w.write(checkpoint)
        w.write(UInt8(slot))
        w.write(UInt32(chunks))
        return w.bytes
    }

    /// The state a partition's records hold: the chunks the last head names, joined (nil: no head, or
    /// a named chunk is missing — then the partition is damaged).
    static func state(of records: [KafkaRecord], name: String) throws -> (checkpoint: UInt64, slot: Int, bytes: [UInt8])? {
        var head: (checkpoint: UInt64, slot: Int, chunks: Int)?
        var chunks: [[UInt8]: [UInt8]] = [:]
        for record in records {
            guard let key = record.key else { continue }
            if key == headKey, let value = record.value {
                var r = SnapshotReader(value, name: name)
                head = (try r.readUInt64(), Int(try r.readUInt8()), Int(try r.readUInt32()))
            } else {
                chunks[key] = record.value ?? []
            }
        }
        guard let head else { return nil }
        var bytes: [UInt8] = []
        for i in 0..<head.chunks {
            guard let chunk = chunks[chunkKey(slot: head.slot, index: i)] else {
                throw SnapshotCorrupt(name, "chunk \(i) of \(head.chunks) of checkpoint \(head.checkpoint) is missing")
            }
            bytes += chunk
        }
        return (head.checkpoint, head.slot, bytes)
    }
}
