// MetricsSnapshot: the counters of a running plan read at one instant, for `rivulet bench` and Prometheus.
import Foundation
import RivuletCore

/// Every runtime counter of a plan at one instant (each read is atomic; the set is not one atomic cut).
/// Taken from any thread while the plan runs, and after it finished (then exact).
public struct MetricsSnapshot: Sendable {
    /// One instance of a node (sources, operators and sinks alike).
    public struct Instance: Sendable {
        public let node: String
        public let role: PlannedNode.Role
        /// The instance's index (0 unless the node runs in parallel).
        public let index: Int
        public let recordsIn: Int64
        public let recordsOut: Int64
        /// Records dead-lettered (or sent to the `errors` port) by this instance.
        public let errors: Int64
        /// Event-time watermark in ms, Int64.min when there is none yet.
        public let watermark: Int64
        /// Counters the plugin registered through the host API (`counter_register`/`counter_add`).
        public let pluginCounters: [(name: String, value: Int64)]
    }

    /// A ring between two tasks.
    public struct Ring: Sendable {
        public let label: String
        public let capacity: Int
        public let occupancy: Int
        public let records: Int64
        public let blockedNanoseconds: Int64
    }

    /// A state store of an operator instance.
    public struct Store: Sendable {
        public let name: String
        public let owner: String
        public let keys: Int64
        public let bytes: Int64
        public let commits: Int64
        public let commitNanoseconds: Int64
    }

    /// The run's checkpoints so far (the run's final checkpoint included once it is taken).
    public struct Checkpoints: Sendable {
        public let completed: Int64
        /// Abandoned: a task failed to save its state, the disk was full, or the timeout passed.
        public let failed: Int64
        /// The newest completed checkpoint's id (nil before the first).
        public let lastCompletedID: UInt64?
        /// When it completed: monotonic ns (for its age) and ms since the epoch.
        public let lastCompletedAt: UInt64?
        public let lastCompletedAtEpochMilliseconds: Int64?
        /// From its start (the coordinator triggering it) until it was durable, in ms.
        public let lastDurationMilliseconds: Double
        /// The bytes of its files (`_metadata` excluded; RocksDB SST files hard-linked from the live
        /// database, or from the checkpoint before, count in full).
        public let lastSizeBytes: Int64
        /// Every completed checkpoint's duration summed, and the longest, in ms.
        public let totalDurationMilliseconds: Double
        public let maxDurationMilliseconds: Double
        /// Time input channels were held back waiting for barriers on other channels (barrier alignment),
        /// per task fed by rings (one with a single input never waits), summed over the run, in ns.
        public let alignment: [(task: String, nanoseconds: Int64)]

        /// Alignment summed over every task, in ns.
        public var alignmentNanoseconds: Int64 { alignment.reduce(0) { $0 + $1.nanoseconds } }

        /// Seconds since the newest checkpoint completed, at monotonic time `now` (nil before the first).
        public func lastCompletedAge(at now: UInt64) -> Double? {
            lastCompletedAt.map { now > $0 ? Double(now - $0) / 1e9 : 0 }
        }
    }

    /// Monotonic time of the snapshot (ns).
    public let takenAt: UInt64
    public let instances: [Instance]
    public let rings: [Ring]
    public let stores: [Store]
    /// Nil when the run takes no checkpoints.
    public let checkpoints: Checkpoints?

    /// Records read by every source.
    public var sourceRecords: Int64 { instances.filter { $0.role == .source }.reduce(0) { $0 + $1.recordsIn } }
    /// Records written by every sink.
    public var sinkRecords: Int64 { instances.filter { $0.role == .sink }.reduce(0) { $0 + $1.recordsOut } }
}

extension ExecutionPlan {
    /// Reads every counter now. Thread-safe: counters are atomic, the plan's structure is fixed once planned.
    public func metricsSnapshot() -> MetricsSnapshot {
        var instances: [MetricsSnapshot.Instance] = []
        for node in nodes {
            switch node.role {
            case .source:
                let task = tasks[node.taskIDs[0]]
                let read = task.recordsIn.value
                let rejected = node.deadLetterRoutes.first?.counter.value ?? 0
                instances.append(
                    .init(
                        node: node.name, role: .source, index: 0, recordsIn: read, recordsOut: read - rejected,
                        errors: rejected, watermark: task.watermark.value, pluginCounters: []))
            case .operator, .sink:
                for (i, instance) in node.instances.enumerated() {
                    let metrics = i < node.metrics.count ? node.metrics[i] : nil
                    let out: Int64
                    if node.role == .sink {
                        out = (instance as? CountingSink)?.written.value ?? 0
                    } else {
                        out = (i < node.outputsByInstance.count ? node.outputsByInstance[i] : [:])
                            .filter { $0.key != "errors" }.values.reduce(0) { $0 + $1.recordsFlushed.value }
                    }
                    let errors = i < node.deadLetterRoutes.count ? node.deadLetterRoutes[i].counter.value : 0
                    instances.append(
                        .init(
                            node: node.name, role: node.role, index: i, recordsIn: metrics?.recordsIn.value ?? 0, recordsOut: out,
                            errors: errors, watermark: metrics?.watermark.value ?? .min,
                            pluginCounters: (instance as? CounterReporting)?.counterSnapshot() ?? []))
                }
            }
        }
        return MetricsSnapshot(
            takenAt: Clock.monotonicNanoseconds(), instances: instances,
            rings: rings.map { r in
                .init(
                    label: r.edge.name, capacity: r.capacity, occupancy: max(0, r.edge.ring.occupancy), records: r.edge.recordsPushed.value,
                    blockedNanoseconds: r.edge.blocked.value)
            },
            stores: stores.map { s in
                .init(
                    name: s.name, owner: s.owner, keys: s.keys.value, bytes: s.bytes.value, commits: s.commits.value,
                    commitNanoseconds: s.commitNanoseconds.value)
            },
            checkpoints: checkpointMetrics())
    }

    /// The newest completed checkpoints (up to 1,000), oldest first; empty without checkpoints. Any thread.
    public var completedCheckpoints: [CompletedCheckpoint] { coordinator?.completedCheckpoints ?? [] }

    /// The coordinator's counters and every input gate's alignment time (nil without checkpoints).
    func checkpointMetrics() -> MetricsSnapshot.Checkpoints? {
        guard let c = coordinator else { return nil }
        let id = c.lastCompletedID.value
        return .init(
            completed: c.completed.value, failed: c.failed.value, lastCompletedID: id > 0 ? UInt64(id) : nil,
            lastCompletedAt: id > 0 ? UInt64(c.lastCompletedAtNanoseconds.value) : nil,
            lastCompletedAtEpochMilliseconds: id > 0 ? c.lastCompletedAtMilliseconds.value : nil,
            lastDurationMilliseconds: Double(c.lastDurationMicroseconds.value) / 1000, lastSizeBytes: c.lastSizeBytes.value,
            totalDurationMilliseconds: Double(c.totalDurationMicroseconds.value) / 1000,
            maxDurationMilliseconds: Double(c.maxDurationMicroseconds.value) / 1000,
            alignment: tasks.compactMap { task in
                guard case .inputs(let gate) = task.head else { return nil }
                return (task.name, gate.alignmentNanoseconds.value)
            })
    }
}
