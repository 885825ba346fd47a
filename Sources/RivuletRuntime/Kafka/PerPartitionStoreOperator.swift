// PerPartitionStoreOperator: a plugin operator with stores in a Kafka application: one instance per input partition.
import RivuletCore
import RivuletExecution
import RivuletKafka
import RivuletPlugins
import RivuletSnapshot
import RivuletState
import Synchronization

/// Kafka Streams' task per input partition: records of input partition p (`rv_record.partition`, the
/// Kafka source's) go to instance p of the plugin operator, whose stores are memory stores backed by
/// partition p of each store's changelog topic (`PartitionStoreChangelog`). When the group assigns p,
/// the instance is made and its stores read back from the changelogs before any record of p; when p is
/// taken away, the instance is closed and forgotten. Runs in its Kafka source's task (the source's
/// rebalance callbacks call `assigned` and `revoked` on that thread). Every instance sees the node's
/// watermark.
///
/// Each store's changelog records say which input offset the state reaches (`PartitionStoreChangelog`):
/// records of a restored partition before it are skipped — its state already counts them — and the
/// skipping is logged with how many.
final class PerPartitionStoreOperator: CheckpointedOperator {
    let name: String
    let ports: [String: OutputPort]
    let changelogs: [PartitionStoreChangelog]
    private let make: () throws -> PluginOperator
    /// Each store's memory budget (bytes).
    private let budgets: [String: Int]
    private let log: @Sendable (String) -> Void
    private var instances: [Int32: (op: PluginOperator, stores: [String: ChangeCollector])] = [:]
    private var watermark = Int64.min
    /// Per partition held: the offset after the last record processed (sealed with the changes).
    private var nextInput: [Int32: Int64] = [:]
    /// Per restored partition: records before this offset are in the state read back (skipped), and how
    /// many were skipped so far.
    private var restoredUpTo: [Int32: (offset: Int64, skipped: Int)] = [:]
    /// The partitions held, for the coordinator's thread.
    private let heldShared = Mutex<Set<Int32>>([])
    var held: Set<Int32> { heldShared.withLock { $0 } }

    init(
        name: String, ports: [String: OutputPort], changelogs: [PartitionStoreChangelog], budgets: [String: Int],
        log: @escaping @Sendable (String) -> Void,
        make: @escaping () throws -> PluginOperator
    ) {
        self.name = name
        self.ports = ports
        self.changelogs = changelogs
        self.budgets = budgets
        self.log = log
        self.make = make
    }

    /// Instance `partition` (made and restored from the changelogs if its assignment was not heard of).
    private func instance(_ partition: Int32) throws -> PluginOperator {
        if let existing = instances[partition] { return existing.op }
        return try open(partition, restore: true)
    }

    /// Makes instance `partition` with its stores, read back from their changelogs when `restore`.
    private func open(_ partition: Int32, restore: Bool) throws -> PluginOperator {
        let op = try make()
        var stores: [String: ChangeCollector] = [:]
        var restored: [String] = []
        // The state is as of the oldest store's offset: records after it are processed again (at least
        // once for a store written further), none before it.
        var upTo: Int64?
        for changelog in changelogs {
            let store = MemoryStore(name: "\(changelog.store)[\(partition)]", budget: budgets[changelog.store] ?? .max)
            if restore {
                let (count, input) = try changelog.restore(partition: partition, into: store)
                restored.append("\(changelog.store) \(count) change(s) from \(changelog.topic)[\(partition)]")
                if let input { upTo = min(upTo ?? .max, input) }
            }
            stores[changelog.store] = ChangeCollector(store)
        }
        if let upTo {
            restoredUpTo[partition] = (upTo, 0)
            restored.append("state as of input offset \(upTo)")
        }
        op.attach(stores: stores)
        for output in op.outputs {
            guard let target = ports[output.name] else { continue }
            output.connect(ForwardingEdge(name: "\(name)[\(partition)].\(output.name) -> \(name).\(output.name)", target: target))
        }
        try op.start()
        if watermark != .min { try op.advanceWatermark(to: watermark) }
        instances[partition] = (op, stores)
        heldShared.withLock { _ = $0.insert(partition) }
        if restore { log("\(name): restored partition \(partition): \(restored.joined(separator: "; "))") }
        return op
    }

    /// The group assigned `partitions`: their stores are read back before any of their records.
    func assigned(_ partitions: [Int32]) throws {
        for p in partitions.sorted() where instances[p] == nil { _ = try open(p, restore: true) }
    }

    /// The group took `partitions` away: their instances are closed; what they had not published is dropped.
    func revoked(_ partitions: [Int32]) {
        for p in partitions {
            instances.removeValue(forKey: p)?.op.close()
            nextInput[p] = nil
            restoredUpTo[p] = nil
            heldShared.withLock { _ = $0.remove(p) }
            for changelog in changelogs { changelog.drop(partition: p) }
        }
    }

    func process(_ batch: RecordBatch, port: Int) throws {
        // Runs of records of one partition go to its instance as they come (records keep their order).
        var start = 0
        while start < batch.count {
            let partition = batch.record(at: start).pointee.partition
            var end = start + 1
            while end < batch.count && batch.record(at: end).pointee.partition == partition { end += 1 }
            let op = try instance(partition)
            var first = start
            if let (upTo, skipped) = restoredUpTo[partition] {
                while first < end && batch.record(at: first).pointee.offset < upTo { first += 1 }
                if first < end {
                    // Records from here on are new to the state: say once how many were skipped.
                    restoredUpTo[partition] = nil
                    if skipped + first - start > 0 {
                        log(
                            "\(name): partition \(partition): skipped \(skipped + first - start) record(s) before offset \(upTo) (the state read back counts them)"
                        )
                    }
                } else {
                    restoredUpTo[partition] = (upTo, skipped + end - start)
                }
            }
            if first < end {
                let part = RecordBatch(schema: batch.schema, capacity: end - first)
                for i in first..<end { part.appendForwarded(from: batch, index: i) }
                try op.process(part, port: port)
                nextInput[partition] = batch.record(at: end - 1).pointee.offset + 1
            }
            start = end
        }
    }

    func advanceWatermark(to w: Int64) throws {
        guard w > watermark else { return }
        watermark = w
        for p in instances.keys.sorted() { try instances[p]!.op.advanceWatermark(to: w) }
        for port in ports.values { try port.advanceWatermark(to: w) }
    }

    func advanceProcessingTime(to now: Int64) throws {
        for p in instances.keys.sorted() { try instances[p]!.op.advanceProcessingTime(to: now) }
    }

    func finish() throws {
        for p in instances.keys.sorted() { try instances[p]!.op.finish() }
        for port in ports.values { try port.flush() }
    }

    func close() {
        for (_, entry) in instances { entry.op.close() }
    }

    // MARK: checkpoints

    /// The state is in the changelogs: at the barrier each instance's changes since the last one are
    /// sealed for this checkpoint (published when it completes); nothing goes into the checkpoint.
    func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        for port in ports.values { try port.flush() }
        for (partition, entry) in instances {
            for (store, collector) in entry.stores {
                let input = nextInput[partition] ?? restoredUpTo[partition]?.offset ?? 0
                changelogs.first { $0.store == store }?.seal(collector.take(), partition: partition, input: input, checkpoint: checkpoint)
            }
        }
    }

    /// Restores only through the changelogs (a Kafka application never restores local checkpoints).
    func restoreState(from restore: OperatorRestore) throws {}

    /// Checkpoint `id` completed: the changelogs get what was sealed up to it (the coordinator's thread,
    /// before the sources store their offsets).
    func publish(checkpoint id: UInt64) throws {
        let held = self.held
        for changelog in changelogs { try changelog.publish(checkpoint: id, held: held) }
    }
}
