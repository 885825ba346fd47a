// InputGate: every input channel of a task fed by rings, delivering to the task's head operator instance.
import RivuletCore

/// The receiving side of a task whose head is an operator instance fed by other tasks: one `InputChannel`
/// per ring edge into it. `poll` takes at most one element from each open channel in turn and delivers
/// it — a batch to the operator's port (capped by the other inputs' watermarks when there are several),
/// a watermark or an end of stream through the `WatermarkValve` — counting what arrives into the
/// instance's metrics. Inputs that stay silent for their idle timeout stop holding the watermark back.
/// This is where per-input barrier alignment belongs. Used by the task's thread only.
public final class InputGate {
    public let target: StreamOperator
    let metrics: InstanceMetrics
    public private(set) var channels: [InputChannel] = []
    private var valve = WatermarkValve(inputs: 0)
    private var lastSeen: [Int64] = []
    private var watchesIdleness = false
    private var lastIdleCheck = Int64.min

    public init(target: StreamOperator, metrics: InstanceMetrics) {
        self.target = target
        self.metrics = metrics
    }

    /// Adds a channel (while planning, before the run).
    public func add(_ channel: InputChannel) {
        channels.append(channel)
        valve = WatermarkValve(inputs: channels.count)
        lastSeen = Array(repeating: Clock.nowMilliseconds(), count: channels.count)
        watchesIdleness = channels.contains { $0.idleTimeout != nil }
    }

    /// Whether some channel has not ended yet.
    var isOpen: Bool { valve.open > 0 }

    /// Takes one element from each open channel and delivers it. Returns whether any arrived.
    func poll() throws -> Bool {
        var progressed = false
        for (i, channel) in channels.enumerated() where !valve.ended[i] {
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
            case .barrier:
                continue  // Exactly-once checkpoints: aligned barriers arrive with the checkpointing work.
            case .endOfStream:
                try advance(to: valve.end(input: i))
            }
        }
        if watchesIdleness { try checkIdleness() }
        return progressed
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
        for (k, channel) in channels.enumerated() where !valve.ended[k] && !valve.isIdle(k) {
            if let timeout = channel.idleTimeout, now - lastSeen[k] >= timeout {
                try advance(to: valve.markIdle(input: k))
            }
        }
    }
}
