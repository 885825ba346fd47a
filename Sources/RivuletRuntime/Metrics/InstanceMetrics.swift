// InstanceMetrics: what one operator or sink instance received, readable from any thread while it runs.
import RivuletCore

/// Counters of one node instance that its task updates once per batch or watermark: records received
/// and the event-time watermark it has reached. Records out and errors are counted by its output ports
/// and dead-letter route.
public final class InstanceMetrics: Sendable {
    public let recordsIn = MetricsCounter(name: "records_in")
    /// The instance's current event-time watermark in ms (Int64.min before the first).
    public let watermark = MetricsCounter(name: "watermark", initialValue: .min)

    public init() {}
}

/// Delivers batches and watermarks to an operator instance, counting them into its `InstanceMetrics`.
/// Every edge into an instance goes through one (a fused call or a ring input): one relaxed atomic add
/// per batch, nothing per record.
final class CountingReceiver: StreamOperator {
    let target: StreamOperator
    let metrics: InstanceMetrics
    var name: String { target.name }

    init(_ target: StreamOperator, metrics: InstanceMetrics) {
        self.target = target
        self.metrics = metrics
    }

    func process(_ batch: RecordBatch, port: Int) throws {
        metrics.recordsIn.add(Int64(batch.count))
        try target.process(batch, port: port)
    }

    func process(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws {
        metrics.recordsIn.add(Int64(batch.count))
        try target.process(batch, port: port, watermarkCap: watermarkCap)
    }

    func advanceWatermark(to watermark: Int64) throws {
        if watermark > metrics.watermark.value { metrics.watermark.set(watermark) }
        try target.advanceWatermark(to: watermark)
    }

    func advanceProcessingTime(to now: Int64) throws { try target.advanceProcessingTime(to: now) }
    /// A fused edge: the target runs in the caller's thread, so it may rewrite an exclusive batch.
    var acceptsExclusiveBatches: Bool { true }
    func finish() throws { try target.finish() }
    func close() { target.close() }
}
