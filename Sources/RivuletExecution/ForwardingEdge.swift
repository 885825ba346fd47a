// ForwardingEdge: a fused edge that hands every record it receives to another output port.
import RivuletCore

/// Joins an inner operator's output to its wrapper's port (`PerGroupOperator`): records are forwarded
/// (not copied) on the same thread; watermarks and control events are the wrapper's to send.
public final class ForwardingEdge: Edge {
    public let name: String
    private let target: OutputPort

    public init(name: String, target: OutputPort) {
        self.name = name
        self.target = target
    }

    public var isFused: Bool { true }

    public func send(_ batch: RecordBatch) throws {
        for i in 0..<batch.count { try target.forward(from: batch, index: i) }
    }

    public func sendWatermark(_ watermark: Int64) throws {}
    public func sendEndOfStream() throws {}
    public func sendBarrier(_ id: UInt64) throws {}
}
