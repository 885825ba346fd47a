// RingWriter: the receiving end of an output port that pushes batches and control events into a ring.
import RivuletCore

/// Sends what an operator emits to another task: each batch, watermark and the end of the stream becomes
/// one ring element. Blocks (with backoff) while the ring is full — that is the backpressure — and gives up
/// only when the run is cancelled. Time spent blocked is counted.
public final class RingWriter: StreamOperator {
    public let name: String
    public let ring: SPSCRing<StreamElement>
    let cancellation: Cancellation
    /// Nanoseconds spent waiting for room (readable from any thread).
    public let blocked = MetricsCounter(name: "ring_blocked_ns")
    /// Records pushed into the ring (readable from any thread).
    public let recordsPushed = MetricsCounter(name: "ring_records")
    public var blockedNanoseconds: UInt64 { UInt64(blocked.value) }
    private var lastWatermark = Int64.min

    public init(name: String, ring: SPSCRing<StreamElement>, cancellation: Cancellation) {
        self.name = name
        self.ring = ring
        self.cancellation = cancellation
    }

    func send(_ element: StreamElement) throws {
        if ring.push(element) { return }
        let started = Clock.monotonicNanoseconds()
        var backoff = Backoff()
        while !ring.push(element) {
            if cancellation.isCancelled { throw RunCancelled() }
            backoff.wait()
        }
        blocked.add(Int64(Clock.monotonicNanoseconds() - started))
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        try send(.batch(batch))
        recordsPushed.add(Int64(batch.count))
    }

    public func advanceWatermark(to watermark: Int64) throws {
        guard watermark > lastWatermark else { return }
        lastWatermark = watermark
        try send(.watermark(watermark))
    }

    public func finish() throws {
        try send(.endOfStream)
    }

    public func close() {}
}
