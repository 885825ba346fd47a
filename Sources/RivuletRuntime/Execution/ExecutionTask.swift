// ExecutionTask: one thread's work: a source or a set of input rings, and the chain of operators fused to it.
import Foundation
import RivuletCore

/// One input ring of a task: the ring, and the operator and port its elements are delivered to.
public struct TaskInput {
    public let ring: SPSCRing<StreamElement>
    public let target: StreamOperator
    public let port: Int
    public let edge: String
    /// After this long (ms) without an element, the input is idle and does not hold back the watermark
    /// (the smallest `idle_timeout` of the sources upstream); nil: never.
    public var idleTimeout: Int64? = nil
}

/// A unit of execution, run on its own thread. Its head is either a source or input rings; every other
/// node of the task is reached by plain function calls (operator chaining). `nodes` lists everything the
/// task must finish at the end of input, in topological order, ring writers last after their upstream.
/// Sendable because the plan hands each task to exactly one thread, which alone touches it until joined.
public final class ExecutionTask: @unchecked Sendable {
    public enum Head {
        case source(RecordSource, TimestampAssigner, batchSize: Int, receivers: [(StreamOperator, Int)], deadLetters: DeadLetterRoute)
        case rings([TaskInput])
    }

    public let id: Int
    public let name: String
    public internal(set) var head: Head
    public internal(set) var nodes: [StreamOperator] = []
    /// Records a source task produced (for progress and the summary).
    public let recordsIn = MetricsCounter(name: "records_in")
    /// A source task's event-time watermark in ms (Int64.min before the first).
    public let watermark = MetricsCounter(name: "watermark", initialValue: .min)

    init(id: Int, name: String, head: Head) {
        self.id = id
        self.name = name
        self.head = head
    }

    /// Runs the task to the end of its input; throws the first failure.
    func run(cancellation: Cancellation) throws {
        switch head {
        case let .source(source, time, batchSize, receivers, deadLetters):
            try runSource(source, time, batchSize: batchSize, receivers: receivers, deadLetters: deadLetters, cancellation)
        case let .rings(inputs):
            try runRings(inputs, cancellation)
        }
        for node in nodes {
            if cancellation.isCancelled { throw RunCancelled() }
            try node.finish()
        }
    }

    /// Reads batches, stamps their time (records whose time cannot be read are dead-lettered), hands them
    /// to the fused receivers, then advances the receivers' watermark to the source's.
    private func runSource(
        _ source: RecordSource, _ time: TimestampAssigner, batchSize: Int, receivers: [(StreamOperator, Int)],
        deadLetters: DeadLetterRoute, _ cancellation: Cancellation
    ) throws {
        var more = true
        var stopping = false
        var watermark = Int64.min
        while more {
            if cancellation.isCancelled { throw RunCancelled() }
            // A graceful stop: the input ends here; what the source already read still flows on.
            if cancellation.isStopRequested { stopping = true }
            let batch = RecordBatch(schema: source.schema, capacity: batchSize)
            let rejectedBefore = deadLetters.counter.value
            more = stopping ? try source.fillBuffered(batch, deadLetters: deadLetters) : try source.fill(batch, deadLetters: deadLetters)
            let rejected: [(index: Int, reason: String)]
            do { rejected = try time.stamp(batch) } catch { throw OperatorFailure(node: source.name, message: error.message) }
            for (index, reason) in rejected {
                let offset = batch.record(at: index).pointee.offset
                try deadLetters.send(batch.record(at: index), schema: batch.schema, reason: "\(source.describe(offset: offset)): \(reason)")
            }
            batch.remove(sortedIndexes: rejected.map(\.index))
            // Records in = decoded records + input the source could not decode (dead-lettered).
            recordsIn.add(Int64(batch.count) + deadLetters.counter.value - rejectedBefore)
            if !batch.isEmpty {
                if receivers.count == 1 && receivers[0].0.acceptsExclusiveBatches {
                    // The source made this batch and holds it alone: its one fused consumer may rewrite it.
                    batch.setExclusive(true)
                    defer { if batch.isExclusive { batch.setExclusive(false) } }
                    try receivers[0].0.process(batch, port: receivers[0].1)
                } else {
                    for (receiver, port) in receivers { try receiver.process(batch, port: port) }
                }
            }
            time.observeClock()
            if time.watermark > watermark {
                watermark = time.watermark
                self.watermark.set(watermark)
                for (receiver, _) in receivers { try receiver.advanceWatermark(to: watermark) }
            }
            try tickProcessingTime()
        }
    }

    private var lastTick = Int64.min

    /// Fires processing-time timers of every node of the task, at most once per millisecond.
    private func tickProcessingTime() throws {
        let now = Clock.nowMilliseconds()
        guard now != lastTick else { return }
        lastTick = now
        for node in nodes { try node.advanceProcessingTime(to: now) }
    }

    /// Polls every input ring in turn, delivering batches; the operator's watermark is the minimum over
    /// the inputs that have not ended and are not idle (Flink's rule), advanced whenever it rises. An
    /// input with an idle timeout that sends nothing for that long stops counting until it sends again.
    private func runRings(_ inputs: [TaskInput], _ cancellation: Cancellation) throws {
        var watermarks = [Int64](repeating: Int64.min, count: inputs.count)
        var ended = [Bool](repeating: false, count: inputs.count)
        var idle = [Bool](repeating: false, count: inputs.count)
        var lastSeen = [Int64](repeating: Clock.nowMilliseconds(), count: inputs.count)
        let watchesIdleness = inputs.contains { $0.idleTimeout != nil }
        var open = inputs.count
        var current = Int64.min
        var backoff = Backoff()

        /// Raises the watermark of `target` to the minimum over the inputs that are not idle, an ended
        /// input counting as +∞ (Flink's valve); nothing moves while every input is idle. When the only
        /// inputs that count have ended (the others idle), it goes as far as the ended inputs' last
        /// watermark, not to +∞: an idle input may still send, and its data should be judged against
        /// the time actually seen, not all be late.
        func advance(_ target: StreamOperator) throws {
            var minimum = Int64.max
            var counted = 0
            var endedMaximum = Int64.min
            for k in inputs.indices where !idle[k] {
                counted += 1
                if ended[k] { endedMaximum = max(endedMaximum, watermarks[k]) } else { minimum = min(minimum, watermarks[k]) }
            }
            guard counted > 0, open > 0 else { return }
            if minimum == .max { minimum = endedMaximum }
            if minimum > current {
                current = minimum
                try target.advanceWatermark(to: minimum)
            }
        }

        /// Marks inputs idle that sent nothing for their timeout (checked at most once per millisecond,
        /// whether or not other inputs are busy).
        var lastIdleCheck = Int64.min
        func checkIdleness() throws {
            let now = Clock.nowMilliseconds()
            guard now > lastIdleCheck else { return }
            lastIdleCheck = now
            for (k, input) in inputs.enumerated() where !ended[k] && !idle[k] {
                if let timeout = input.idleTimeout, now - lastSeen[k] >= timeout {
                    idle[k] = true
                    try advance(input.target)
                }
            }
        }

        while open > 0 {
            var progressed = false
            for (i, input) in inputs.enumerated() where !ended[i] {
                guard let element = input.ring.pop() else { continue }
                progressed = true
                if watchesIdleness {
                    lastSeen[i] = Clock.nowMilliseconds()
                    idle[i] = false
                }
                switch element {
                case .batch(let batch):
                    if inputs.count == 1 {
                        try input.target.process(batch, port: input.port)
                    } else {
                        // Records of this input may not run ahead of the other counted inputs' watermarks.
                        var cap = Int64.max
                        for k in inputs.indices where k != i && !ended[k] && !idle[k] { cap = min(cap, watermarks[k]) }
                        try input.target.process(batch, port: input.port, watermarkCap: cap)
                    }
                    continue
                case .watermark(let w):
                    watermarks[i] = max(watermarks[i], w)
                case .barrier:
                    continue  // Exactly-once checkpoints: aligned barriers arrive with the checkpointing work.
                case .endOfStream:
                    ended[i] = true
                    open -= 1
                }
                // A watermark arrived or an input ended: the minimum over open inputs may have risen.
                try advance(input.target)
            }
            if watchesIdleness { try checkIdleness() }
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
