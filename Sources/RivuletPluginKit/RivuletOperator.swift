// RivuletOperator: the protocol a Swift type conforms to in order to be a Rivulet operator.
@_exported import CRivulet

/// A configuration key an operator accepts (shown by `rivulet plugins inspect`, checked by the host).
public struct ConfigKey: Sendable {
    public let name: String
    public let description: String
    public let type: FieldKind
    public let required: Bool

    public init(_ name: String, _ description: String, type: FieldKind = .string, required: Bool = false) {
        self.name = name
        self.description = description
        self.type = type
        self.required = required
    }
}

/// An operator written in Swift. The SDK turns conforming types into `rv_operator_def`s; the host cannot
/// tell them from C operators. One instance is created per parallel instance of the node and is called by
/// one thread at a time.
///
/// Errors: throw `RecordError` to dead-letter one record (records before it must already be emitted — they
/// are, if you emit as you go); throw `RetryLater` for a transient failure; any other error stops the run.
/// Nothing is thrown across the C boundary: the SDK converts every error into a status code.
public protocol RivuletOperator: AnyObject {
    /// The operator's name in manifests (`operator: <name>`).
    static var name: String { get }
    static var summary: String { get }
    /// Input and output port names; default one each, "in" and "out".
    static var inputs: [String] { get }
    static var outputs: [String] { get }
    static var configKeys: [ConfigKey] { get }
    /// Keeps no state across records (safe at any parallelism).
    static var isStateless: Bool { get }

    /// Reads config, resolves field indexes, declares output fields.
    init(context: OperatorContext) throws
    /// Processes a batch from input `port`, emitting through `context`.
    func process(_ batch: Batch, port: Int, context: OperatorContext) throws
    /// A timer registered with `context.registerTimer` fired (in order of time, then key).
    func onTimer(_ domain: TimeDomain, time: Int64, key: [UInt8], context: OperatorContext) throws
    /// The instance's event-time watermark advanced (after the event-time timers it made due fired).
    func onWatermark(_ watermark: Int64, context: OperatorContext) throws
    /// Every input has ended.
    func flush(context: OperatorContext) throws
}

extension RivuletOperator {
    public static var inputs: [String] { ["in"] }
    public static var outputs: [String] { ["out"] }
    public static var configKeys: [ConfigKey] { [] }
    public static var isStateless: Bool { true }
    public func flush(context: OperatorContext) throws {}
    public func onTimer(_ domain: TimeDomain, time: Int64, key: [UInt8], context: OperatorContext) throws {}
    public func onWatermark(_ watermark: Int64, context: OperatorContext) throws {}
}

/// The clock a timer follows (RV_TIME_* of rivulet.h).
public enum TimeDomain: UInt32, Sendable {
    /// Fires when the operator's watermark reaches the time.
    case event = 0
    /// Fires when the host's clock reaches the time.
    case processing = 1
}

/// Dead-letters record `index` of the batch being processed, with `message` as the reason.
public struct RecordError: Error {
    public let index: Int
    public let message: String

    public init(index: Int, _ message: String) {
        self.index = index
        self.message = message
    }
}

/// A transient failure: the host calls process again from record `index` after a pause.
public struct RetryLater: Error {
    public let index: Int
    public let message: String

    public init(index: Int, _ message: String) {
        self.index = index
        self.message = message
    }
}

/// A failure with a message, for create or anything fatal.
public struct PluginFailure: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
