// ExecutionPlan: a planned topology ready to run: nodes, tasks, rings, loaded plugins and dead letters.
import Foundation
import RivuletCore
import RivuletExecution
import RivuletKafka
import RivuletLookup
import RivuletManifest
import RivuletPlugins
import RivuletState

/// The result of planning. `run()` starts one thread per task, waits for all of them, and returns a
/// summary; the first failure cancels every task and is thrown after all threads have stopped.
public final class ExecutionPlan {
    public let manifest: Manifest
    public let options: RunOptions
    public internal(set) var nodes: [PlannedNode] = []
    public internal(set) var nodesByName: [String: PlannedNode] = [:]
    public internal(set) var tasks: [ExecutionTask] = []
    public internal(set) var rings: [PlannedRing] = []
    public internal(set) var plugins: [String: LoadedPlugin] = [:]
    /// Every state store attached to an operator instance, and the RocksDB databases (one per task).
    public internal(set) var stores: [MeteredStore] = []
    var rocksDBs: [Int: RocksDBInstance] = [:]
    /// Every store instance with its task and backing, for checkpoints (`snapshotStores`).
    var attachedStores: [AttachedStore] = []
    public internal(set) var deadLetters: DeadLetterSink = JSONDeadLetterWriter(writer: ByteWriter(descriptor: 2, name: "stderr"))
    let cancellation = Cancellation()
    /// Wakes the plan's thread in `run`: a task thread ended, or the checkpoint coordinator needs a tick.
    let wakeup = DispatchSemaphore(value: 0)
    /// Takes the run's checkpoints (nil: the manifest has no `checkpoint:`).
    var coordinator: CheckpointCoordinator?
    /// The changelogs of a Kafka application's windows, by the operator instance they back.
    var changelogs: [ObjectIdentifier: ChangelogBinding] = [:]
    /// Held from writing a checkpoint's changelogs to its sources storing their offsets, and by Kafka
    /// sources while they give partitions up.
    let commitLock = NSLock()
    /// A Kafka application's plugin operators with stores kept per input partition in changelog topics.
    var partitionStores: [PerPartitionStoreOperator] = []
    /// exactly_once_v2: the process's Kafka transaction (nil: at least once).
    var transaction: KafkaTransaction?
    /// The checkpoint the plan was restored from, and how much it held.
    public internal(set) var restored: CheckpointRestorer.Summary?
    private var closed = false
    /// Whether `run` finished every task without a failure (close then commits state; otherwise not).
    private var completed = false

    init(manifest: Manifest, options: RunOptions) {
        self.manifest = manifest
        self.options = options
    }

    func newTask(name: String, head: ExecutionTask.Head) -> ExecutionTask {
        let task = ExecutionTask(id: tasks.count, name: name, head: head)
        tasks.append(task)
        return task
    }

    /// Records read by all sources so far (thread-safe).
    public var recordsIn: Int64 { tasks.reduce(0) { $0 + $1.recordsIn.value } }

    /// Records dead-lettered so far, by every source and operator (thread-safe).
    public var deadLettered: Int64 { nodes.flatMap(\.deadLetterRoutes).reduce(0) { $0 + $1.counter.value } }

    /// Records written by all sinks so far (thread-safe).
    public var recordsOut: Int64 {
        nodes.filter { $0.role == .sink }.flatMap(\.instances).reduce(0) { total, sink in
            total + ((sink as? CountingSink)?.written.value ?? 0)
        }
    }

    /// Runs every task to completion, after every operator instance's `start` (a failure there ends the
    /// run before any record is read). `progress` is called about every `interval` seconds from another
    /// thread while the run lasts.
    public func run(progressInterval: Double = 0.5, progress: ((RunProgress) -> Void)? = nil) throws -> RunSummary {
        precondition(!closed, "a plan runs once")
        let started = Clock.monotonicNanoseconds()
        let cpuStarted = RunSummary.cpuSeconds()
        do {
            for node in nodes { for instance in node.instances { try instance.start() } }
        } catch {
            close()
            throw error
        }
        let done = DispatchGroup()
        for task in tasks {
            done.enter()
            let thread = Thread { [cancellation, wakeup] in
                CrashScope.withAlternateSignalStack {
                    do { try task.run(cancellation: cancellation) } catch is RunCancelled {} catch { cancellation.fail(error) }
                }
                done.leave()
                wakeup.signal()
            }
            thread.name = "rivulet-task-\(task.id)-\(task.name)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        var lastProgress = Clock.monotonicNanoseconds()
        var coordinatorWait = 0.0
        while true {
            // Sleeps until the next progress report or coordinator tick is due, or until woken: a task
            // thread ended, every task acknowledged a checkpoint, a stop requested a savepoint (no waking
            // every millisecond, which would preempt busy task threads).
            var wait = progress == nil ? 3600 : max(0, progressInterval - Double(Clock.monotonicNanoseconds() - lastProgress) / 1e9)
            if coordinator != nil { wait = min(wait, coordinatorWait) }
            _ = wakeup.wait(timeout: .now() + wait)
            if done.wait(timeout: .now()) == .success { break }
            if let failure = cancellation.firstFailure { releaseWaiters("the run failed: \(failure)") }
            if let coordinator {
                coordinatorWait = coordinator.tick()
                if coordinator.savepoint != nil && !cancellation.isHalted { cancellation.halt() }
                if let givenUp = coordinator.savepointGivenUp, cancellation.firstFailure == nil { cancellation.fail(RunAborted(givenUp)) }
            }
            if let progress, Double(Clock.monotonicNanoseconds() - lastProgress) / 1e9 >= progressInterval {
                lastProgress = Clock.monotonicNanoseconds()
                progress(progressNow(started: started))
            }
        }
        // Dead letters reach their file before state is committed: a run whose dead letters cannot be
        // written did not complete, and its stores are not committed.
        var failure = cancellation.firstFailure
        if failure == nil {
            do { try deadLetters.flush() } catch { failure = error }
        }
        // A bounded run ends with a final checkpoint, whose commit makes the whole output visible.
        if failure == nil, !cancellation.isHalted, let coordinator {
            do { try coordinator.finalCheckpoint() } catch { failure = error }
        }
        if failure == nil && !cancellation.isHalted {
            for node in nodes {
                guard let source = node.source?.source as? CommittingSource else { continue }
                do { try source.runCompleted() } catch { failure = error }
            }
        }
        completed = failure == nil && !cancellation.isHalted
        if let failure { releaseWaiters("the run failed: \(failure)") }
        coordinator?.stopWaiting("the run has ended")
        if let transaction {
            transaction.close()
            options.report(
                "exactly_once_v2: \(transaction.committed.value) transaction(s) committed, with offsets of \(transaction.offsetsSent.value) "
                    + "partition(s) (transactional.id \(transaction.transactionalID))")
        }
        close()
        if let failure { throw failure }
        var summary = RunSummary(
            elapsedSeconds: Double(Clock.monotonicNanoseconds() - started) / 1e9,
            cpuSeconds: RunSummary.cpuSeconds() - cpuStarted,
            recordsIn: recordsIn, recordsOut: recordsOut, deadLetters: deadLettered,
            deadLetterDestination: deadLetters.destination,
            sinks: nodes.filter { $0.role == .sink }.map { node in
                (node.name, (node.instances[0] as? CountingSink)?.written.value ?? 0)
            },
            ringBlockedSeconds: Double(rings.reduce(0) { $0 + $1.edge.blockedNanoseconds }) / 1e9,
            peakMemoryBytes: RunSummary.peakResidentBytes())
        summary.deadLettersNotShown = deadLetters.withheld
        summary.savepoint = coordinator?.savepoint
        summary.checkpointsCompleted = coordinator?.completed.value ?? 0
        summary.lastCheckpoint = coordinator?.completedCheckpoints.last
        summary.windows = nodes.compactMap { node in
            let windows = node.instances.compactMap { $0 as? WindowReporting }
            guard !windows.isEmpty else { return nil }
            return (node.name, windows.reduce(0) { $0 + $1.windowsFired }, windows.reduce(0) { $0 + $1.lateRecords })
        }
        summary.lookups = nodes.compactMap { node in
            let ops = node.instances.compactMap { $0 as? LookupReporting }
            guard !ops.isEmpty else { return nil }
            let trips = ops.reduce(0) { $0 + $1.stats.roundTrips }
            let nanos = ops.reduce(UInt64(0)) { $0 + $1.stats.roundTripNanoseconds }
            return (
                node.name, ops.reduce(0) { $0 + $1.stats.hits }, ops.reduce(0) { $0 + $1.stats.misses }, trips,
                trips == 0 ? 0 : Double(nanos) / Double(trips) / 1e6, ops.reduce(0) { $0 + $1.stats.failedRecords }
            )
        }
        return summary
    }

    /// A task failed: tasks waiting for a checkpoint or a transaction's commit stop waiting, and the
    /// open transaction is aborted (its records never become visible).
    private func releaseWaiters(_ reason: String) {
        coordinator?.stopWaiting(reason)
        transaction?.abort(reason: "exactly_once_v2: \(reason); the open transaction was aborted")
    }

    /// Stops the run gracefully (safe from any thread, e.g. a signal handler's queue): every source ends
    /// its input before its next batch, and the run completes as at the end of input — windows fire, sinks
    /// flush, stores commit, `run` returns its summary.
    public func requestStop() {
        if let coordinator { coordinator.requestSavepoint() } else { cancellation.requestStop() }
    }

    /// Whether the run takes checkpoints (a stop then takes a savepoint).
    public var takesCheckpoints: Bool { coordinator != nil }

    /// Whether `requestStop` was called.
    public var isStopRequested: Bool { cancellation.isStopRequested }

    /// Stops the run at once: `run` throws `RunAborted(reason)`; stores are not committed.
    public func abort(_ reason: String) { cancellation.fail(RunAborted(reason)) }

    /// Destroys every operator instance and closes sources (also when planning or running failed).
    public func close() {
        guard !closed else { return }
        closed = true
        for node in nodes {
            node.source?.source.close()
            for instance in node.instances { instance.close() }
        }
        // A run that did not complete leaves the batch in flight uncommitted (its source replays it).
        for store in stores { completed ? store.close() : store.abandon() }
        for db in rocksDBs.values { db.close(commit: completed) }
    }

    deinit { close() }
}

/// A snapshot while running.
public struct RunProgress: Sendable {
    public let elapsed: Double
    public let recordsIn: Int64
    public let recordsOut: Int64
    /// The newest completed checkpoint and how many seconds ago it completed (nil: none yet, or the run
    /// takes no checkpoints).
    public var lastCheckpointID: UInt64? = nil
    public var lastCheckpointAge: Double? = nil
    /// The share of the input consumed, 0…1, when every source reads a file of known size (nil otherwise).
    public var inputFraction: Double? = nil

    /// Seconds left at the rate so far, once some input is consumed.
    public var secondsLeft: Double? {
        guard let f = inputFraction, f > 0, elapsed > 0 else { return nil }
        return elapsed * (1 - f) / f
    }
}

extension ExecutionPlan {
    /// Whether a sink (or the dead letters) writes records to standard output.
    public var writesToStdout: Bool {
        (manifest.sinks + (manifest.deadLetters.map { [$0] } ?? [])).contains { if case .stdout = $0.kind { true } else { false } }
    }

    /// The progress of a run that began at monotonic time `started`.
    func progressNow(started: UInt64) -> RunProgress {
        let now = Clock.monotonicNanoseconds()
        var p = RunProgress(elapsed: Double(now - started) / 1e9, recordsIn: recordsIn, recordsOut: recordsOut)
        if let c = coordinator, c.lastCompletedID.value > 0 {
            let at = UInt64(c.lastCompletedAtNanoseconds.value)
            p.lastCheckpointID = UInt64(c.lastCompletedID.value)
            p.lastCheckpointAge = now > at ? Double(now - at) / 1e9 : 0
        }
        var done: Int64 = 0, total: Int64 = 0
        let sources = nodes.filter { $0.role == .source }
        let sized = sources.compactMap { ($0.source?.source as? InputProgressReporting)?.inputProgress }
        if !sized.isEmpty && sized.count == sources.count {
            for s in sized { (done, total) = (done + s.done, total + s.total) }
            p.inputFraction = total > 0 ? Double(done) / Double(total) : 1
        }
        return p
    }
}
