// StreamOperator: what every node that consumes batches implements: plugin, FFI and built-in operators, sinks.
import RivuletCore

/// A consumer of record batches on numbered input ports. Called by one thread at a time (its task's).
public protocol StreamOperator: AnyObject {
    /// The node's name in the manifest, for messages.
    var name: String { get }
    /// Called once before the run's threads start (on the thread that runs the plan): check what must
    /// work before any record is read (a server's credentials). A failure fails the run at once.
    func start() throws
    /// Processes a batch that arrived on input `port`. Output goes through the operator's output ports.
    func process(_ batch: RecordBatch, port: Int) throws
    /// Processes a batch from one of several inputs: no record's watermark may exceed `watermarkCap` (the
    /// minimum of the operator's other inputs). Only event-time operators care; the default ignores it.
    func process(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws
    /// The operator's event-time watermark advanced (the minimum over its inputs).
    func advanceWatermark(to watermark: Int64) throws
    /// The processing-time clock reached `now` (ms since the epoch): fire processing-time timers.
    func advanceProcessingTime(to now: Int64) throws
    /// Every input has ended: emit what is held, flush outputs. Called once.
    func finish() throws
    /// Releases resources (destroy plugin instances, close files). Called once, after finish or on failure.
    func close()
}

extension StreamOperator {
    public func process(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws {
        try process(batch, port: port)
    }

    public func advanceProcessingTime(to now: Int64) throws {}

    public func start() throws {}
}

/// A failure that stops the run: a plugin returned RV_FATAL, a sink cannot write, a limit was exceeded.
public struct OperatorFailure: Error, CustomStringConvertible, Sendable {
    public let node: String
    public let message: String

    public init(node: String, message: String) {
        self.node = node
        self.message = message
    }

    public var description: String { "\(node): \(message)" }
}
