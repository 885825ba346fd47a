// RingEdge: an edge between two tasks: every batch, watermark and the end of the stream becomes a ring element.
import RivuletCore

/// The producer end of an SPSC ring whose consumer end is an `InputChannel` of another task. Blocks (with
/// backoff) while the ring is full — that is the backpressure — and gives up only when the run is
/// cancelled. Time spent blocked and records pushed are counted (readable from any thread).
public final class RingEdge: Edge {
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

    /// A batch crosses threads: never exclusive (the consumer cannot rewrite it in place).
    public var isFused: Bool { false }

    func push(_ element: StreamElement) throws {
        if ring.push(element) { return }
        let started = Clock.monotonicNanoseconds()
        var backoff = Backoff()
        while !ring.push(element) {
            if cancellation.isCancelled { throw RunCancelled() }
            backoff.wait()
        }
        blocked.add(Int64(Clock.monotonicNanoseconds() - started))
    }

    public func send(_ batch: RecordBatch) throws {
        try push(.batch(batch))
        recordsPushed.add(Int64(batch.count))
    }

    public func sendWatermark(_ watermark: Int64) throws {
        guard watermark > lastWatermark else { return }
        lastWatermark = watermark
        try push(.watermark(watermark))
    }

    public func sendEndOfStream() throws {
        try push(.endOfStream)
    }

    public func sendBarrier(_ id: UInt64) throws {
        try push(.barrier(id))
    }
}
