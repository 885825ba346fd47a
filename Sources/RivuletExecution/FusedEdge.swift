// FusedEdge: an edge inside one task: delivery is a direct call into the consumer (operator chaining).
import RivuletCore

/// Calls the consumer's `process` on the sender's thread and counts what it delivers into the consumer
/// instance's metrics (one relaxed atomic add per batch, nothing per record). The consumer runs before
/// `send` returns, so the sender may hand it a batch exclusively (`BatchHandoff`).
public final class FusedEdge: Edge {
    public let name: String
    let target: StreamOperator
    let port: Int
    let metrics: InstanceMetrics

    public init(name: String, target: StreamOperator, port: Int, metrics: InstanceMetrics) {
        self.name = name
        self.target = target
        self.port = port
        self.metrics = metrics
    }

    public var isFused: Bool { true }

    public func send(_ batch: RecordBatch) throws {
        metrics.recordsIn.add(Int64(batch.count))
        try target.process(batch, port: port)
    }

    public func sendWatermark(_ watermark: Int64) throws {
        metrics.observeWatermark(watermark)
        try target.advanceWatermark(to: watermark)
    }

    public func sendEndOfStream() throws {}

    public func sendBarrier(_ id: UInt64) throws {}
}
