// ChangelogBinding: an operator's keyed state kept in a changelog topic, one partition per key group.
import Foundation
import RivuletExecution
import RivuletHashing
import RivuletSnapshot
import Synchronization

/// Backs a `KeyGroupStateOperator` with the compacted topic `<application_id>-<node>-changelog`, whose
/// partition g holds key group g (the operator's key groups are the partitions of its repartition topic).
///
/// - When a checkpoint completes, the state each held group had at the checkpoint is written to its
///   partition (only groups whose state changed), and the producer is flushed — before the sources
///   commit their offsets, so committed offsets never run ahead of the changelog. Under
///   exactly_once_v2 the writes go into the transaction that commits the offsets.
/// - When the group is assigned a partition, its state is read back from the changelog (to its end)
///   and adopted by the operator before any of its records are processed; when a partition is taken
///   away, its keys are dropped.
public final class ChangelogBinding: @unchecked Sendable {
    public let node: String
    public let topic: String
    private let op: KeyGroupStateOperator
    private let keyGroups: KeyGroups
    private let properties: KafkaProperties
    private let log: @Sendable (String) -> Void

    private struct Shared {
        /// Groups held now.
        var held: Set<Int> = []
        /// Snapshots taken at barriers and not yet published, with the groups held then and their
        /// reader's origins (`KafkaSource.origins(of:)`), by checkpoint.
        var pending: [UInt64: (snapshot: [UInt8], held: Set<Int>, origins: [Int: [Int32: Int64]])] = [:]
        /// Per group: the hash of the state last written and the slot its head names.
        var written: [Int: (hash: UInt64, slot: Int)] = [:]
    }
    private let shared = Mutex(Shared())
    private var producer: KafkaProducer?
    /// exactly_once_v2: the state goes into the process's transaction, committed with the offsets.
    public var transaction: KafkaTransaction?
    /// The repartition topic's reader, whose per-partition origins are saved with each group's state.
    private let reader: KafkaSource

    public init(
        node: String, topic: String, op: KeyGroupStateOperator, keyGroups: KeyGroups, properties: KafkaProperties, reader: KafkaSource,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.reader = reader
        self.node = node
        self.topic = topic
        self.op = op
        self.keyGroups = keyGroups
        self.properties = properties
        self.log = log
    }

    /// The operator saved its state for checkpoint `id` (on its task thread).
    public func saved(checkpoint id: UInt64, snapshot: [UInt8]) {
        shared.withLock { s in
            let origins = Dictionary(uniqueKeysWithValues: s.held.map { ($0, reader.origins(of: Int32($0))) })
            s.pending[id] = (snapshot, s.held, origins)
        }
    }

    /// Checkpoint `id` is complete: writes each held group's state at `id` that changed, and waits until
    /// Kafka has it. On the coordinator's thread.
    public func publish(checkpoint id: UInt64) throws {
        // Only groups held both when the state was saved and now: a group taken on since holds state the
        // snapshot lacks, and one given up belongs to another process.
        let (pending, held, written) = shared.withLock {
            s -> ((snapshot: [UInt8], held: Set<Int>, origins: [Int: [Int32: Int64]])?, Set<Int>, [Int: (hash: UInt64, slot: Int)]) in
            let pending = s.pending[id]
            s.pending = s.pending.filter { $0.key > id }
            return (pending, s.held.intersection(pending?.held ?? []), s.written)
        }
        guard let pending else { return }
        let groups = try DecodedOperatorSnapshot(pending.snapshot, name: "\(node) checkpoint \(id)").splitByGroup(held.sorted()) { group in
            Self.encode(origins: pending.origins[group] ?? [:])
        }
        if producer == nil { producer = try transaction?.producer() ?? KafkaProducer(properties: properties) }
        guard let producer else { return }
        var wrote: [Int: (hash: UInt64, slot: Int)] = [:]
        for group in held.sorted() {
            guard let bytes = groups[group] else { continue }
            let hash = bytes.withUnsafeBytes { FNV1a.hash($0) }
            let last = written[group]
            if last?.hash == hash { continue }
            let slot = last.map { 1 - $0.slot } ?? 0
            let chunks = stride(from: 0, to: max(1, bytes.count), by: ChangelogRecord.chunkBytes).map {
                Array(bytes[$0..<min(bytes.count, $0 + ChangelogRecord.chunkBytes)])
            }
            for (i, chunk) in chunks.enumerated() {
                try produce(producer, group, key: ChangelogRecord.chunkKey(slot: slot, index: i), value: chunk)
            }
            try produce(producer, group, key: ChangelogRecord.headKey, value: ChangelogRecord.head(checkpoint: id, slot: slot, chunks: chunks.count))
            wrote[group] = (hash, slot)
        }
        if transaction == nil { try producer.flush() }
        shared.withLock { s in for (g, w) in wrote where s.held.contains(g) { s.written[g] = w } }
    }

    private func produce(_ producer: KafkaProducer, _ group: Int, key: [UInt8], value: [UInt8]) throws {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in
                try producer.produce(topic: topic, partition: Int32(group), key: k, value: v, timestamp: 0)
            }
        }
    }

    /// The group took partitions `groups`: read their state back and hand it to the operator (on the
    /// operator's task thread, before their records).
    public func assigned(_ groups: [Int]) throws {
        guard !groups.isEmpty else { return }
        let changelog = try KafkaReader(properties: properties)
        let started = Date()
        let records = try changelog.readToEnd(topic: topic, partitions: Set(groups.map { Int32($0) }), timeoutMilliseconds: 300_000)
        var restored: [String] = []
        for group in groups.sorted() {
            let mine = records.filter { $0.partition == Int32(group) }
            guard let state = try ChangelogRecord.state(of: mine, name: "\(topic)[\(group)]") else {
                _ = shared.withLock { $0.held.insert(group) }
                continue
            }
            let decoded = try DecodedOperatorSnapshot(state.bytes, name: "\(topic)[\(group)]")
            try op.adopt(OperatorRestore(instance: 0, parallelism: 1, keyGroups: keyGroups, snapshots: [decoded]), group: group)
            reader.restoreOrigins(try Self.decodeOrigins(decoded.operatorState, name: "\(topic)[\(group)]"), of: Int32(group))
            let hash = state.bytes.withUnsafeBytes { FNV1a.hash($0) }
            shared.withLock {
                $0.held.insert(group)
                $0.written[group] = (hash, state.slot)
            }
            restored.append("\(group) (\(decoded.keyedEntryCount) keys, \(state.bytes.count) bytes, checkpoint \(state.checkpoint))")
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        log(
            "\(node): restored partitions \(groups.sorted().map(String.init).joined(separator: ", ")) from \(topic) in \(seconds) s"
                + (restored.isEmpty ? " (no state yet)" : ": " + restored.joined(separator: "; ")))
    }

    /// A group's origins as its snapshot's operator state: count, then (input partition, offset) pairs.
    static func encode(origins: [Int32: Int64]) -> [UInt8] {
        var w = SnapshotWriter()
        w.write(UInt32(origins.count))
        for (p, o) in origins.sorted(by: { $0.key < $1.key }) {
            w.write(UInt32(bitPattern: p))
            w.write(o)
        }
        return w.bytes
    }

    static func decodeOrigins(_ bytes: [UInt8], name: String) throws -> [Int32: Int64] {
        guard !bytes.isEmpty else { return [:] }
        var r = SnapshotReader(bytes, name: name)
        let count = Int(try r.readUInt32())
        var origins: [Int32: Int64] = [:]
        for _ in 0..<count { origins[Int32(bitPattern: try r.readUInt32())] = try r.readInt64() }
        try r.expectEnd()
        return origins
    }

    /// The group took partitions `groups` away: the operator forgets their keys (on its task thread).
    public func revoked(_ groups: [Int]) {
        op.drop(groups: Set(groups))
        shared.withLock { s in
            for g in groups {
                s.held.remove(g)
                s.written[g] = nil
            }
        }
    }
}
