// InputGate: every input channel of a task fed by rings, delivering to the task's head operator instance.
import RivuletCore

/// The receiving side of a task whose head is an operator instance fed by other tasks: one `InputChannel`
/// per ring edge into it. `poll` takes at most one element from each open channel in turn and delivers
/// it — a batch to the operator's port (capped by the other inputs' watermarks when there are several),
/// a watermark or an end of stream through the `WatermarkValve` — counting what arrives into the
/// instance's metrics. Inputs that stay silent for their idle timeout stop holding the watermark back.
/// Checkpoint barriers are aligned here (Flink's aligned checkpoints): a channel that delivered barrier n
/// is not read again until every open channel has delivered it (an ended channel counts as delivered);
/// then `onAligned(n)` saves the task's state and forwards the barrier. A newer barrier arriving while n
/// is still aligning supersedes it (checkpoint n was abandoned upstream). Used by the task's thread only.
public final class InputGate {
    public let target: StreamOperator
    let metrics: InstanceMetrics
    public private(set) var channels: [InputChannel] = []
    private var valve = WatermarkValve(inputs: 0)
    private var lastSeen: [Int64] = []
    private var watchesIdleness = false
    private var lastIdleCheck = Int64.min
    /// The checkpoint being aligned, and which channels delivered its barrier (and are held back).
    private var aligning: UInt64?
    private var held: [Bool] = []
    private var heldCount = 0
    /// Called when every open channel delivered the barrier of checkpoint `id` (set by the task).
    var onAligned: ((UInt64) throws -> Void)?
    /// Nanoseconds channels were held back waiting for barriers (readable from any thread).
    public let alignmentNanoseconds = MetricsCounter(name: "alignment_ns")
    private var alignmentStarted: UInt64 = 0

    public init(target: StreamOperator, metrics: InstanceMetrics) {
        self.target = target
        self.metrics = metrics
    }

    /// Adds a channel (while planning, before the run).
    public func add(_ channel: InputChannel) {
        channels.append(channel)
        valve = WatermarkValve(inputs: channels.count)
        lastSeen = Array(repeating: Clock.nowMilliseconds(), count: channels.count)
        held = Array(repeating: false, count: channels.count)
        watchesIdleness = channels.contains { $0.idleTimeout != nil }
    }

    /// Whether some channel has not ended yet.
    var isOpen: Bool { valve.open > 0 }

    /// Takes one element from each open channel and delivers it. Returns whether any arrived.
    func poll() throws -> Bool {
        var progressed = false
        for (i, channel) in channels.enumerated() where !valve.ended[i] && !held[i] {
            guard let element = channel.ring.pop() else { continue }
            progressed = true
            if watchesIdleness {
                lastSeen[i] = Clock.nowMilliseconds()
                valve.markActive(input: i)
            }
            switch element {
            case .batch(let batch):
                metrics.recordsIn.add(Int64(batch.count))
                if channels.count == 1 {
                    try target.process(batch, port: channel.port)
                } else {
                    try target.process(batch, port: channel.port, watermarkCap: valve.cap(excluding: i))
                }
            case .watermark(let w):
                try advance(to: valve.observe(w, input: i))
            case .barrier(let id):
                try barrier(id, input: i)
            case .endOfStream:
                try advance(to: valve.end(input: i))
                try completeAlignmentIfDone()
            }
        }
        if watchesIdleness { try checkIdleness() }
        return progressed
    }

    /// Channel `i` delivered barrier `id`: hold it back until the alignment of `id` completes.
    private func barrier(_ id: UInt64, input i: Int) throws {
        if let current = aligning {
            if id < current { return }  // a barrier of an abandoned checkpoint: nothing waits for it
            if id > current { releaseHeld() }  // checkpoint `current` was abandoned upstream
        }
        if aligning != id {
            aligning = id
            alignmentStarted = Clock.monotonicNanoseconds()
        }
        held[i] = true
        heldCount += 1
        try completeAlignmentIfDone()
    }

    /// When every channel still open has delivered the barrier being aligned: the task saves its state and
    /// forwards the barrier, and every channel is read again.
    private func completeAlignmentIfDone() throws {
        guard let id = aligning else { return }
        guard heldCount == valve.open else { return }
        alignmentNanoseconds.add(Int64(Clock.monotonicNanoseconds() - alignmentStarted))
        releaseHeld()
        try onAligned?(id)
    }

    private func releaseHeld() {
        aligning = nil
        // A held channel was silent because it was not read: its idleness clock starts again now.
        let now = Clock.nowMilliseconds()
        for k in held.indices where held[k] {
            held[k] = false
            lastSeen[k] = now
        }
        heldCount = 0
    }

    private func advance(to watermark: Int64?) throws {
        guard let watermark else { return }
        metrics.observeWatermark(watermark)
        try target.advanceWatermark(to: watermark)
    }

    /// Marks inputs idle that sent nothing for their timeout (checked at most once per millisecond,
    /// whether or not other inputs are busy).
    private func checkIdleness() throws {
        let now = Clock.nowMilliseconds()
        guard now > lastIdleCheck else { return }
        lastIdleCheck = now
        for (k, channel) in channels.enumerated() where !valve.ended[k] && !valve.isIdle(k) && !held[k] {
            if let timeout = channel.idleTimeout, now - lastSeen[k] >= timeout {
                try advance(to: valve.markIdle(input: k))
            }
        }
    }
}
