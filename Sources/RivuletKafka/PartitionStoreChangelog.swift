// PartitionStoreChangelog: the changes of a store of one input partition, kept in partition p of its changelog topic.
import Foundation
import RivuletState
import Synchronization

/// A plugin operator's store in a Kafka application lives per input partition (Kafka Streams' task):
/// partition p of `<application_id>-<store>-changelog` holds the store of input partition p, one record
/// per key (its latest value; a tombstone for a deleted key), so a compacted topic is the store.
///
/// Changes are written so that the changelog always matches the committed offsets' checkpoint: the
/// changes since the last barrier are collected per key (`ChangeCollector`), sealed when the next
/// barrier passes the operator (`seal`), and produced and acknowledged when that checkpoint completes
/// (`publish`), before the sources store their offsets — under exactly_once_v2 inside the transaction that
/// commits them. A partition given up drops what it had not
/// published: its new owner replays those records from the committed offsets. Reading a partition back
/// (`restore`) applies its records in order.
///
/// Each record written carries the header `rivulet.input`: the input partition's offset the store was
/// sealed at (the offset after the last record it had processed). The state read back is as of the
/// largest such offset, and its new owner skips records before it: a commit refused while the group
/// rebalances, or a process killed between writing the changelog and committing, no longer makes a
/// store count a record twice (Flink's rule: state and position are saved together).
public final class PartitionStoreChangelog: @unchecked Sendable {
    public let store: String
    public let topic: String
    private let properties: KafkaProperties
    private var producer: KafkaProducer?
    /// exactly_once_v2: the changes go into the process's transaction, committed with the offsets.
    public var transaction: KafkaTransaction?
    /// The header naming the input offset a record's store was sealed at.
    public static let inputHeader = "rivulet.input"
    /// Changes of one input partition sealed at a barrier, and the input offset they reach.
    struct Sealed {
        var changes: [[UInt8]: [UInt8]?]
        var input: Int64
    }
    /// Sealed changes by checkpoint, then input partition.
    private let sealed = Mutex<[UInt64: [Int32: Sealed]]>([:])

    public init(store: String, topic: String, properties: KafkaProperties) {
        self.store = store
        self.topic = topic
        self.properties = properties
    }

    /// The changes of input partition `partition` up to checkpoint `id`'s barrier, which include every
    /// record of it before offset `input` (the operator's thread).
    public func seal(_ changes: [[UInt8]: [UInt8]?], partition: Int32, input: Int64, checkpoint id: UInt64) {
        guard !changes.isEmpty else { return }
        sealed.withLock { $0[id, default: [:]][partition] = Sealed(changes: changes, input: input) }
    }

    /// Checkpoint `id` completed: writes the changes sealed up to it of the partitions in `held` (the
    /// others were given up) and waits until the brokers have them. The coordinator's thread.
    public func publish(checkpoint id: UInt64, held: Set<Int32>) throws {
        let due = sealed.withLock { s -> [(UInt64, [Int32: Sealed])] in
            let due = s.filter { $0.key <= id }.sorted { $0.key < $1.key }
            s = s.filter { $0.key > id }
            return due
        }
        guard !due.isEmpty else { return }
        do {
            try write(due, held: held)
        } catch {
            // Nothing is lost: the changes go out with the next checkpoint (their offsets were not stored).
            sealed.withLock { s in
                for (id, partitions) in due {
                    for (partition, older) in partitions where held.contains(partition) {
                        let newer = s[id]?[partition]
                        s[id, default: [:]][partition] = Sealed(
                            changes: older.changes.merging(newer?.changes ?? [:]) { _, newer in newer }, input: max(older.input, newer?.input ?? .min)
                        )
                    }
                }
            }
            throw error
        }
    }

    private func write(_ due: [(UInt64, [Int32: Sealed])], held: Set<Int32>) throws {
        if producer == nil { producer = try transaction?.producer() ?? KafkaProducer(properties: properties) }
        guard let producer else { return }
        for (_, partitions) in due {
            for (partition, sealed) in partitions where held.contains(partition) {
                let input = Array(String(sealed.input).utf8)
                try input.withUnsafeBytes { inputBytes in
                    let headers = [KafkaProducer.Header(name: Self.inputHeader, value: inputBytes)]
                    for (key, value) in sealed.changes {
                        try key.withUnsafeBytes { k in
                            if let value {
                                try value.withUnsafeBytes { v in
                                    try producer.produce(topic: topic, partition: partition, key: k, value: v, headers: headers, timestamp: 0)
                                }
                            } else {
                                try producer.produce(topic: topic, partition: partition, key: k, value: nil, headers: headers, timestamp: 0)
                            }
                        }
                    }
                }
            }
        }
        if transaction == nil { try producer.flush() }
    }

    /// Input partition `partition` was given up: what it sealed and did not publish is dropped.
    public func drop(partition: Int32) {
        sealed.withLock { s in for id in s.keys { s[id]?[partition] = nil } }
    }

    /// Reads partition `partition` of the changelog to its end into `into`; returns the records applied
    /// and the input offset the state read back reaches (nil: no record says, as written before 0.9).
    public func restore(partition: Int32, into store: KeyValueStore) throws -> (records: Int, input: Int64?) {
        let reader = try KafkaReader(properties: properties)
        let records = try reader.readToEnd(topic: topic, partitions: [partition], timeoutMilliseconds: 300_000).sorted { $0.offset < $1.offset }
        var input: Int64?
        for record in records {
            if let header = record.headers.last(where: { $0.name == Self.inputHeader }), let bytes = header.value,
                let offset = Int64(String(decoding: bytes, as: UTF8.self)), offset >= 0
            {
                input = max(input ?? 0, offset)
            }
            guard let key = record.key else { continue }
            try key.withUnsafeBytes { k in
                if let value = record.value {
                    try value.withUnsafeBytes { v in try store.put(k, v) }
                } else {
                    try store.delete(k)
                }
            }
        }
        try store.commit()
        return (records.count, input)
    }
}
