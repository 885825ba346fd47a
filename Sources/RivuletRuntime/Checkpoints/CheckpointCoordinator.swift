// CheckpointCoordinator: triggers aligned checkpoints, collects every task's acknowledgement, completes and commits them.
import Foundation
import RivuletCore
import RivuletExecution
import RivuletHashing

/// Flink's checkpoint coordinator, in one process. Every `interval` it starts checkpoint n (one at a
/// time): source tasks inject barrier n before their next batch (`barrierToInject`), every task saves
/// its state when the barrier has arrived on all its inputs (`snapshot`), and a task that has finished
/// is saved by whoever sees it finished. When every task has acknowledged, the checkpoint is made
/// durable (`CheckpointStorage.complete`) and only then are the two-phase-commit sinks told to commit.
/// A checkpoint that fails (a full disk) or takes longer than `timeout` is abandoned with a message;
/// the run goes on and the next one starts. `tick` runs on the plan's thread; the rest on task threads.
/// The plan's thread sleeps between ticks: `tick` says how long it may, and `wakeup` is signalled when
/// it has something to do sooner (every task acknowledged, a savepoint requested).
final class CheckpointCoordinator: BarrierHandler, @unchecked Sendable {
    let storage: CheckpointStorage
    let interval: Int64
    let timeout: Int64
    private unowned let plan: ExecutionPlan
    private let writer: TaskStateWriter
    private let report: @Sendable (String) -> Void
    private let lock = NSLock()
    private var pending: Pending?
    private var finishedTasks: Set<Int> = []
    private var nextID: UInt64
    private var lastStart = Clock.monotonicNanoseconds()
    private var savepointRequested = false
    private var savepointFailed = false
    /// When the stop was requested (monotonic ns), and why the last savepoint attempt failed.
    private var stopRequestedAt: UInt64 = 0
    private var lastSavepointFailure: String?
    /// A stop whose savepoint failed does not retry for ever (a broker gone, a full disk): once a
    /// savepoint attempt has failed and `savepointPatience` ms have passed since the stop was
    /// requested, the coordinator gives up and says why here; the run then fails.
    private(set) var savepointGivenUp: String?
    /// The newest checkpoint committed whole: sinks, changelogs and source positions (plan's thread).
    private var lastCommitted: UInt64?
    static let savepointPatience: Int64 = 30_000
    /// A source asked for a checkpoint at once (`startCheckpoint`).
    private var checkpointRequested = false
    /// Outcomes for `startCheckpoint` and `awaitCompletion` (under `outcomes`): the newest checkpoint
    /// completed or given up, those given up, a requested start that failed, and why waiting is over.
    private let outcomes = NSCondition()
    private var resolvedThrough: UInt64 = 0
    private var givenUp: Set<UInt64> = []
    private var startFailures: [String] = []
    private var stopped: String?
    /// The newest checkpoint started, readable without the lock: source tasks check it before every batch.
    private let startedID = MetricsCounter(name: "checkpoint_started_id")
    /// Signalled when the plan's thread should tick before the time the last `tick` returned.
    let wakeup: DispatchSemaphore
    /// Counters read by metrics and the progress line (any thread; `metricsSnapshot().checkpoints`).
    let completed = MetricsCounter(name: "checkpoints_completed")
    let failed = MetricsCounter(name: "checkpoints_failed")
    /// The newest completed checkpoint (0: none yet), when it completed (monotonic ns, and ms since the
    /// epoch), how long it took from its start to durable (µs), and the bytes of its files.
    let lastCompletedID = MetricsCounter(name: "checkpoint_last_id")
    let lastCompletedAtNanoseconds = MetricsCounter(name: "checkpoint_last_completed_ns")
    let lastCompletedAtMilliseconds = MetricsCounter(name: "checkpoint_last_completed_epoch_ms")
    let lastDurationMicroseconds = MetricsCounter(name: "checkpoint_duration_us")
    let lastSizeBytes = MetricsCounter(name: "checkpoint_size_bytes")
    /// The durations of every completed checkpoint summed, and the longest (µs).
    let totalDurationMicroseconds = MetricsCounter(name: "checkpoint_duration_us_total")
    let maxDurationMicroseconds = MetricsCounter(name: "checkpoint_duration_us_max")
    /// The savepoint taken at a stop request, once complete.
    private(set) var savepoint: (id: UInt64, path: String)?
    /// The newest `historyLimit` completed checkpoints, oldest first (under `lock`; `completedCheckpoints`).
    private var history: [CompletedCheckpoint] = []
    static let historyLimit = 1000

    private struct Pending {
        let id: UInt64
        let directory: String
        let started: UInt64
        var awaiting: Set<Int>
        var owners: [String: String] = [:]
        /// Tasks saved after they had finished (they do not run again after a restore).
        var finished: Set<Int> = []
        var failure: String?
        let savepoint: Bool
    }

    init(
        plan: ExecutionPlan, storage: CheckpointStorage, interval: Int64, timeout: Int64, wakeup: DispatchSemaphore,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.plan = plan
        self.wakeup = wakeup
        self.storage = storage
        self.interval = interval
        self.timeout = timeout
        self.report = report
        writer = TaskStateWriter(plan: plan)
        nextID = storage.nextID()
    }

    // MARK: task threads

    func barrierToInject(after last: UInt64) -> UInt64? {
        // Before every batch of every source: one atomic load, the lock only once a newer checkpoint started.
        guard UInt64(startedID.value) > last else { return nil }
        return lock.withLock {
            guard let pending, pending.id > last else { return nil }
            return pending.id
        }
    }

    func snapshot(_ task: ExecutionTask, checkpoint id: UInt64) {
        guard let directory = lock.withLock({ pending?.id == id ? pending?.directory : nil }) else { return }
        let result = Result { try writer.write(task, checkpoint: id, into: directory, plan: plan) }
        lock.withLock { acknowledge(task, id, result, finished: false) }
    }

    func finished(_ task: ExecutionTask) {
        lock.withLock {
            finishedTasks.insert(task.id)
            // A checkpoint waiting for this task will never see its barrier pass it: save it as finished.
            guard let pending, pending.awaiting.contains(task.id) else { return }
            let result = Result { try writer.write(task, checkpoint: pending.id, into: pending.directory, plan: plan) }
            acknowledge(task, pending.id, result, finished: true)
        }
    }

    func startCheckpoint(after last: UInt64) throws -> UInt64 {
        if let id = barrierToInject(after: last) { return id }
        // Only a start that fails after this request answers it.
        let failuresBefore = outcomes.withLock { startFailures.count }
        lock.withLock { checkpointRequested = true }
        wakeup.signal()
        outcomes.lock()
        defer { outcomes.unlock() }
        while UInt64(startedID.value) <= last && startFailures.count == failuresBefore && stopped == nil { outcomes.wait() }
        if UInt64(startedID.value) > last { return UInt64(startedID.value) }
        throw CheckpointFailure(startFailures.count > failuresBefore ? startFailures.last! : stopped ?? "no checkpoint started")
    }

    func awaitCompletion(of id: UInt64) throws {
        outcomes.lock()
        defer { outcomes.unlock() }
        while resolvedThrough < id && stopped == nil { outcomes.wait() }
        if givenUp.contains(id) { throw CheckpointFailure("checkpoint \(id) failed (see above)") }
        if resolvedThrough < id { throw CheckpointFailure(stopped ?? "checkpoint \(id) did not complete") }
    }

    /// The run is failing or ending: nobody waits for a checkpoint any more.
    func stopWaiting(_ reason: String) {
        outcomes.lock()
        if stopped == nil { stopped = reason }
        outcomes.broadcast()
        outcomes.unlock()
    }

    /// Checkpoint `id` completed (`ok`) or was given up. Under exactly_once_v2 a checkpoint given up
    /// fails the run: its transaction would stay open past the brokers' `transaction.timeout.ms`, and
    /// the outputs and offsets it holds could never commit together.
    private func resolve(_ id: UInt64, ok: Bool, reason: String = "") {
        if !ok, let transaction = plan.transaction {
            let message =
                "exactly_once_v2: checkpoint \(id) failed (\(reason)), so its transaction cannot commit; the run stops and a restart "
                + "resumes from the last committed transaction"
            transaction.abort(reason: message)
            plan.cancellation.fail(CheckpointFailure(message))
            wakeup.signal()
        }
        outcomes.lock()
        resolvedThrough = max(resolvedThrough, id)
        if !ok { givenUp.insert(id) }
        // Nobody waits for a checkpoint long resolved.
        if givenUp.count > 64 { givenUp = givenUp.filter { $0 + 64 > resolvedThrough } }
        outcomes.broadcast()
        outcomes.unlock()
    }

    /// Records task `task`'s part of checkpoint `id` (under the lock).
    private func acknowledge(_ task: ExecutionTask, _ id: UInt64, _ result: Result<[String: String], Error>, finished: Bool) {
        guard pending?.id == id else { return }
        pending!.awaiting.remove(task.id)
        switch result {
        case .success(let owners):
            pending!.owners.merge(owners) { a, _ in a }
            if finished { pending!.finished.insert(task.id) }
        case .failure(let error):
            if pending!.failure == nil { pending!.failure = "\(error)" }
        }
        if pending!.awaiting.isEmpty { wakeup.signal() }
    }

    // MARK: the plan's thread

    /// A stop request: take a savepoint now; `tick` reports it done through `savepoint`.
    func requestSavepoint() {
        lock.withLock {
            if !savepointRequested { stopRequestedAt = Clock.monotonicNanoseconds() }
            savepointRequested = true
        }
        wakeup.signal()
    }

    /// Starts a checkpoint when one is due, completes one every task acknowledged, abandons one that
    /// failed or timed out. Returns the seconds until the next tick is needed unless `wakeup` is signalled
    /// first: until the next checkpoint is due, or until the one in progress times out.
    @discardableResult
    func tick() -> Double {
        let now = Clock.monotonicNanoseconds()
        lock.lock()
        if let p = pending {
            if p.awaiting.isEmpty {
                let done = p
                pending = nil
                lock.unlock()
                finish(done)
                return 0
            }
            if Int64(now - p.started) / 1_000_000 > timeout {
                pending = nil
                lock.unlock()
                abandon(p, reason: "not complete after \(timeout) ms (tasks still to acknowledge: \(p.awaiting.count))")
                return 0
            }
            // A stop does not wait past its patience for a checkpoint that cannot complete (a sink waiting
            // on a broker gone): the attempt is abandoned as failed, and the next tick gives up.
            let stopping = savepointRequested && savepoint == nil
            if stopping && Int64(now - stopRequestedAt) / 1_000_000 >= Self.savepointPatience {
                pending = nil
                lock.unlock()
                let reason =
                    "not complete \(Self.savepointPatience / 1000) s after the stop was requested (tasks still to acknowledge: \(p.awaiting.count))"
                abandon(p, reason: reason)
                savepointFailedOnce(reason)
                return 0
            }
            lock.unlock()
            var wait = Double(timeout) / 1000 - Double(now - p.started) / 1e9
            if stopping { wait = min(wait, Double(Self.savepointPatience) / 1000 - Double(now - stopRequestedAt) / 1e9) }
            return max(0.001, wait)
        }
        // After a savepoint the run is stopping: nothing more is started.
        guard savepoint == nil else {
            let requested = checkpointRequested
            lock.unlock()
            if requested { stopWaiting("the run is stopping after its savepoint") }
            return 0.01
        }
        if savepointFailed && savepointGivenUp == nil && Int64(now - stopRequestedAt) / 1_000_000 >= Self.savepointPatience {
            savepointGivenUp =
                "stop requested, but no savepoint completed in \(Self.savepointPatience / 1000) s (the last attempt failed: "
                + "\(lastSavepointFailure ?? "?")): stopping without one; "
                + (lastCommitted.map { "the output is committed up to checkpoint \($0), where a restart resumes" }
                    ?? "no checkpoint was committed: a restart begins again")
        }
        guard savepointGivenUp == nil else {
            lock.unlock()
            return 0.01
        }
        let due = Int64(now - lastStart) / 1_000_000 >= interval || checkpointRequested
        // A savepoint starts at once; one that failed is tried again at the interval.
        let savepoint = savepointRequested && self.savepoint == nil && (!savepointFailed || due)
        checkpointRequested = false
        lock.unlock()
        if due || savepoint {
            start(savepoint: savepoint)
            return 0
        }
        return max(0.001, Double(interval) / 1000 - Double(now - lastStart) / 1e9)
    }

    /// Starts checkpoint `nextID`: finished tasks are saved at once, the others when the barrier reaches them.
    private func start(savepoint: Bool) {
        lastStart = Clock.monotonicNanoseconds()
        let id = nextID
        nextID += 1
        let directory: String
        do { directory = try storage.begin(id) } catch {
            failed.add(1)
            if savepoint { savepointFailedOnce("\(error)") }
            report("checkpoint \(id) failed: \(error)")
            outcomes.lock()
            startFailures.append("checkpoint \(id) could not start: \(error)")
            if startFailures.count > 16 { startFailures.removeFirst() }
            outcomes.broadcast()
            outcomes.unlock()
            return
        }
        lock.withLock {
            pending = Pending(
                id: id, directory: directory, started: lastStart, awaiting: Set(plan.tasks.map(\.id)), savepoint: savepoint)
            startedID.set(Int64(id))
            outcomes.lock()
            outcomes.broadcast()
            outcomes.unlock()
            for task in plan.tasks where finishedTasks.contains(task.id) {
                let result = Result { try writer.write(task, checkpoint: id, into: directory, plan: plan) }
                acknowledge(task, id, result, finished: true)
            }
        }
    }

    /// The run's last checkpoint, after every task has finished: it holds nothing left to process, and
    /// its commit makes the whole output visible. Waits for a checkpoint in flight first.
    func finalCheckpoint() throws {
        while lock.withLock({ pending != nil }) {
            _ = tick()
            if lock.withLock({ pending != nil }) { Thread.sleep(forTimeInterval: 0.001) }
        }
        start(savepoint: false)
        guard
            let p = lock.withLock({ () -> Pending? in
                defer { pending = nil }
                return pending
            })
        else { throw CheckpointFailure("the final checkpoint could not start (see above)") }
        guard p.awaiting.isEmpty else { preconditionFailure("every task has finished") }
        if let failure = p.failure {
            storage.abandon(p.id)
            throw CheckpointFailure("the final checkpoint \(p.id) failed, so the output was not committed: \(failure)")
        }
        try complete(p, final: true)
    }

    private func finish(_ p: Pending) {
        if let failure = p.failure {
            abandon(p, reason: failure)
            return
        }
        do {
            try complete(p, final: false)
        } catch {
            failed.add(1)
            if p.savepoint { savepointFailedOnce("\(error)") }
            report("checkpoint \(p.id) failed: \(error)")
            resolve(p.id, ok: false, reason: "\(error)")
        }
    }

    private func abandon(_ p: Pending, reason: String) {
        resolve(p.id, ok: false, reason: reason)
        storage.abandon(p.id)
        failed.add(1)
        if p.savepoint { savepointFailedOnce(reason) }
        report("checkpoint \(p.id) failed: \(reason); the run goes on, the next checkpoint starts at the interval")
    }

    /// A savepoint attempt failed: the next is tried at the interval, until `savepointPatience` runs out.
    private func savepointFailedOnce(_ reason: String) {
        lock.withLock {
            savepointFailed = true
            lastSavepointFailure = reason
        }
    }

    /// Makes `p` durable, then commits the sinks (a failed commit fails the run: the output would be stale).
    private func complete(_ p: Pending, final: Bool) throws {
        let metadata = try storage.complete(p.id, metadata: metadata(for: p, final: final), owners: p.owners)
        let now = Clock.monotonicNanoseconds()
        let elapsed = Int64(now - p.started) / 1000
        lastDurationMicroseconds.set(elapsed)
        totalDurationMicroseconds.add(elapsed)
        if elapsed > maxDurationMicroseconds.value { maxDurationMicroseconds.set(elapsed) }
        lastSizeBytes.set(metadata.files.reduce(0) { $0 + $1.size })
        lastCompletedAtNanoseconds.set(Int64(now))
        lastCompletedAtMilliseconds.set(metadata.timeMilliseconds)
        lastCompletedID.set(Int64(p.id))
        completed.add(1)
        lock.withLock {
            if history.count == Self.historyLimit { history.removeFirst() }
            history.append(
                CompletedCheckpoint(
                    id: p.id, durationMilliseconds: Double(elapsed) / 1000, sizeBytes: lastSizeBytes.value, files: metadata.files.count,
                    final: final, savepoint: p.savepoint))
        }
        for node in plan.nodes {
            for case let sink as CheckpointCommitting in node.instances { try sink.commit(checkpoint: p.id) }
        }
        // Dead letters of the records before the checkpoint are durable before their offsets are committed.
        try plan.deadLetters.flush()
        // The changelogs get the state at this checkpoint before the sources commit the offsets after it;
        // no partition is given up in between (a revocation takes the same lock).
        plan.commitLock.lock()
        defer { plan.commitLock.unlock() }
        // Window changelogs, then plugin-store changelogs: the first that cannot be written stops the rest.
        let changelogs =
            plan.changelogs.values.sorted { $0.node < $1.node }.map { b in ("the changelog of '\(b.node)'", { try b.publish(checkpoint: p.id) }) }
            + plan.partitionStores.map { op in ("the store changelogs of '\(op.name)'", { try op.publish(checkpoint: p.id) }) }
        var published = true
        for (what, publish) in changelogs where published {
            do { try publish() } catch {
                // Under exactly_once_v2 the transaction holds part of the state: it cannot commit.
                if let transaction = plan.transaction {
                    let reason = "exactly_once_v2: \(what) could not be written: \(error)"
                    transaction.abort(reason: reason)
                    throw CheckpointFailure(reason)
                }
                report("checkpoint \(p.id): \(what) could not be written, so no offsets are committed (the next checkpoint tries again): \(error)")
                published = false
            }
        }
        var positionsCommitted = published
        for node in plan.nodes where published {
            guard let source = node.source?.source as? CommittingSource else { continue }
            do { try source.checkpointCompleted(p.id) } catch {
                positionsCommitted = false
                report("checkpoint \(p.id): source '\(node.name)' could not commit its position (the next checkpoint will): \(error)")
            }
        }
        // A stop's savepoint is one only if a restart resumes from it: its changelogs and positions too.
        if p.savepoint && !positionsCommitted {
            throw CheckpointFailure("a savepoint whose changelogs or source positions could not be committed is not one (see above)")
        }
        // exactly_once_v2: outputs, changelog writes and the offsets just added commit together.
        try plan.transaction?.commit(checkpoint: p.id)
        if positionsCommitted { lastCommitted = p.id }
        if p.savepoint { savepoint = (p.id, storage.completePath(p.id)) }
        resolve(p.id, ok: true)
    }

    private func metadata(for p: Pending, final: Bool) -> CheckpointMetadata {
        let now = Clock.nowMilliseconds()
        let finishedNodes = Set(
            plan.nodes.filter { node in node.taskIDs.allSatisfy { p.finished.contains($0) } }.map(\.name))
        return CheckpointMetadata(
            id: p.id, time: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(now) / 1000)), timeMilliseconds: now,
            manifestHash: CheckpointCoordinator.manifestHash(plan.manifest.file),
            manifest: URL(fileURLWithPath: plan.manifest.file).standardizedFileURL.path,
            final: final, savepoint: p.savepoint, maxParallelism: plan.manifest.maxParallelism,
            plugins: plan.plugins.map { .init(name: $0.key, version: $0.value.version) }.sorted { $0.name < $1.name },
            nodes: plan.nodes.map {
                .init(name: $0.name, role: $0.role.rawValue, parallelism: $0.parallelism, finished: finishedNodes.contains($0.name))
            },
            tasks: plan.tasks.map { .init(name: $0.name, finished: p.finished.contains($0.id)) }, files: [])
    }

    /// The newest completed checkpoints (up to `historyLimit`), oldest first. Any thread.
    var completedCheckpoints: [CompletedCheckpoint] { lock.withLock { history } }

    /// FNV-1a of the manifest file's bytes, in hex ("" when unreadable).
    static func manifestHash(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(data.withUnsafeBytes { FNV1a.hash($0) }, radix: 16)
    }
}

/// One completed checkpoint, as `rivulet bench` lists them.
public struct CompletedCheckpoint: Sendable {
    public let id: UInt64
    /// From the coordinator triggering it to its folder complete and durable.
    public let durationMilliseconds: Double
    /// The bytes of its files (`_metadata` excluded), and how many there are.
    public let sizeBytes: Int64
    public let files: Int
    /// The run's final checkpoint, or a stop's savepoint.
    public let final: Bool
    public let savepoint: Bool
}
