// InstanceMetrics: what one operator or sink instance received, readable from any thread while it runs.
import RivuletCore

/// Counters of one node instance that the receiving end of its edges updates once per batch or
/// watermark: records received and the event-time watermark it has reached (a `FusedEdge`, or the
/// `InputGate` of its task). Records out and errors are counted by its output ports and dead-letter route.
public final class InstanceMetrics: Sendable {
    public let recordsIn = MetricsCounter(name: "records_in")
    /// The instance's current event-time watermark in ms (Int64.min before the first).
    public let watermark = MetricsCounter(name: "watermark", initialValue: .min)

    public init() {}

    /// Records that the instance's watermark reached `watermark` (it only rises).
    public func observeWatermark(_ watermark: Int64) {
        if watermark > self.watermark.value { self.watermark.set(watermark) }
    }
}
