// ExecutionTask: one thread's work: a source or an input gate, and the chain of operators fused to it.
import Foundation
import RivuletCore

/// A unit of execution, run on its own thread. Its head is either a source or an `InputGate` (the rings
/// from other tasks into one operator instance); every other operator of the task is reached through
/// fused edges (operator chaining). `steps` lists everything the task must finish at the end of input.
/// Sendable because the plan hands each task to exactly one thread, which alone touches it until joined.
public final class ExecutionTask: @unchecked Sendable {
    public enum Head {
        case source(SourceHead)
        case inputs(InputGate)
    }

    public let id: Int
    public let name: String
    public private(set) var head: Head
    /// In topological order: every operator instance of the task, each followed by its edges to other tasks.
    public private(set) var steps: [TaskStep] = []
    /// The operator instances the task runs, in topological order (processing-time ticks, checkpoints).
    public private(set) var operators: [StreamOperator] = []
    /// Where checkpoint barriers are reported (nil: the run takes no checkpoints). Set while planning.
    public var barrierHandler: BarrierHandler?
    /// The last checkpoint whose barrier passed this task.
    private var lastBarrier: UInt64 = 0
    /// Whether the task finished every step (readable from any thread once its thread has ended).
    public private(set) var hasFinished = false
    /// Set before the run when the task finished in the checkpoint it restores from: it does not run again;
    /// it only tells the tasks it feeds that its streams have ended.
    public var finishedBeforeRestore = false
    /// Records a source task produced (for progress and the summary).
    public let recordsIn = MetricsCounter(name: "records_in")
    /// A source task's event-time watermark in ms (Int64.min before the first).
    public let watermark = MetricsCounter(name: "watermark", initialValue: .min)

    public init(id: Int, name: String, head: Head) {
        self.id = id
        self.name = name
        self.head = head
    }

    /// Adds the next operator instance of the task, in topological order (while planning).
    public func append(_ instance: StreamOperator) {
        steps.append(.finish(instance))
        operators.append(instance)
    }

    /// Adds an edge to another task, finished after the operator that feeds it (while planning).
    public func append(outgoing edge: Edge) {
        steps.append(.endStream(edge))
    }

    /// Connects the source head to an edge (while planning).
    public func connectSource(to edge: Edge) {
        guard case .source(var head) = head else { preconditionFailure("task \(name) has no source") }
        head.edges.append(edge)
        self.head = .source(head)
    }

    /// Runs the task to the end of its input; throws the first failure.
    public func run(cancellation: Cancellation) throws {
        if finishedBeforeRestore {
            for case .endStream(let edge) in steps { try edge.sendEndOfStream() }
            finish()
            return
        }
        switch head {
        case .source(let head):
            try runSource(head, cancellation)
        case .inputs(let gate):
            gate.onAligned = { [unowned self] id in try self.checkpoint(id) }
            try runInputs(gate, cancellation)
        }
        for step in steps {
            if cancellation.isCancelled { throw RunCancelled() }
            switch step {
            case .finish(let op): try op.finish()
            case .endStream(let edge): try edge.sendEndOfStream()
            }
        }
        finish()
    }

    private func finish() {
        hasFinished = true
        barrierHandler?.finished(self)
    }

    /// Checkpoint `id`'s barrier reached the task (injected, or aligned on every input): the handler saves
    /// the state of every operator of the task, then the barrier goes on along every edge leaving it.
    private func checkpoint(_ id: UInt64) throws {
        guard id > lastBarrier, let handler = barrierHandler else { return }
        lastBarrier = id
        handler.snapshot(self, checkpoint: id)
        for case .endStream(let edge) in steps { try edge.sendBarrier(id) }
    }

    /// Called by the task's source from inside its `fill` (a Kafka rebalance under exactly-once, before
    /// partitions are given up): starts a checkpoint at once, injects its barrier ahead of the batch
    /// being filled (the source saves the position of the batches already handed out), and returns once
    /// the checkpoint is complete. Throws if the run takes no checkpoints or the checkpoint failed.
    public func checkpointWithinFill() throws {
        guard let handler = barrierHandler else { throw CheckpointNotPossible(task: name) }
        let id = try handler.startCheckpoint(after: lastBarrier)
        try checkpoint(id)
        try handler.awaitCompletion(of: id)
    }

    /// Reads batches, stamps their time (records whose time cannot be read are dead-lettered), hands them
    /// to the source's edges, then passes the source's watermark on.
    private func runSource(_ head: SourceHead, _ cancellation: Cancellation) throws {
        let (source, time, deadLetters) = (head.source, head.time, head.deadLetters)
        var more = true
        var stopping = false
        var watermark = Int64.min
        while more {
            if cancellation.isCancelled { throw RunCancelled() }
            // A checkpoint starts here: the source's position is after the last batch handed out.
            if let handler = barrierHandler, let id = handler.barrierToInject(after: lastBarrier) { try checkpoint(id) }
            // A graceful stop: the input ends here; what the source already read still flows on.
            if cancellation.isStopRequested { stopping = true }
            let batch = RecordBatch(schema: source.schema, capacity: head.batchSize)
            let rejectedBefore = deadLetters.counter.value
            more = stopping ? try source.fillBuffered(batch, deadLetters: deadLetters) : try source.fill(batch, deadLetters: deadLetters)
            let rejected: [(index: Int, reason: String)]
            do { rejected = try time.stamp(batch) } catch { throw OperatorFailure(node: source.name, message: error.message) }
            for (index, reason) in rejected {
                let record = batch.record(at: index).pointee
                let position = source.describe(partition: record.partition, offset: record.offset)
                try deadLetters.send(batch.record(at: index), schema: batch.schema, reason: "\(position): \(reason)")
            }
            batch.remove(sortedIndexes: rejected.map(\.index))
            // Records in = decoded records + input the source could not decode (dead-lettered).
            recordsIn.add(Int64(batch.count) + deadLetters.counter.value - rejectedBefore)
            // The source made this batch and holds it alone.
            if !batch.isEmpty { try BatchHandoff.deliver(batch, to: head.edges) }
            time.observeClock()
            if time.watermark > watermark {
                watermark = time.watermark
                self.watermark.set(watermark)
                if let history = head.partitionWatermarks, let partitions = time.partitions {
                    history.record(told: watermark, groups: partitions.partitionWatermarks)
                }
                for edge in head.edges { try edge.sendWatermark(watermark) }
            }
            try tickProcessingTime()
        }
    }

    private var lastTick = Int64.min

    /// Fires processing-time timers of every operator of the task, at most once per millisecond.
    private func tickProcessingTime() throws {
        let now = Clock.nowMilliseconds()
        guard now != lastTick else { return }
        lastTick = now
        for op in operators { try op.advanceProcessingTime(to: now) }
    }

    /// Polls the gate's channels until every one has ended, backing off while none has anything.
    private func runInputs(_ gate: InputGate, _ cancellation: Cancellation) throws {
        var backoff = Backoff()
        while gate.isOpen {
            let progressed = try gate.poll()
            try tickProcessingTime()
            if progressed {
                backoff.reset()
            } else {
                if cancellation.isCancelled { throw RunCancelled() }
                backoff.wait()
            }
        }
    }
}
