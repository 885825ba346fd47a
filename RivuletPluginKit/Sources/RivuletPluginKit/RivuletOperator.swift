// RivuletOperator: the protocol a Swift type conforms to in order to be a Rivulet operator.

/// An operator written in Swift. The SDK turns conforming types into `rv_operator_def`s; the host cannot
/// tell them from C operators. One instance is created per parallel instance of the node and is called by
/// one thread at a time.
///
/// Errors: throw `RecordError` to dead-letter one record (records before it must already be emitted — they
/// are, if you emit as you go or with the SDK's batch emits); throw `RetryLater` for a transient failure;
/// any other error stops the run with its description. Nothing is thrown across the C boundary: the SDK
/// converts every error into a status code.
public protocol RivuletOperator: AnyObject {
    /// The operator's name in manifests (`operator: <name>`).
    static var name: String { get }
    static var summary: String { get }
    /// Input and output port names; default one each, "in" and "out".
    static var inputs: [String] { get }
    static var outputs: [String] { get }
    static var configKeys: [ConfigKey] { get }
    /// True only for an operator whose output for a record depends on that record alone (a map, a filter,
    /// a projection): the host may then run it at any parallelism. Defaults to **false**, like a C operator
    /// without `RV_OPERATOR_STATELESS`: an operator that keeps anything across records — in its own
    /// properties, in timers or in stores — must not claim it.
    static var isStateless: Bool { get }

    /// Reads config, resolves field indexes, declares output fields, opens stores, registers counters.
    init(context: OperatorContext) throws
    /// Processes a batch from input `port`, emitting through `context`.
    func process(_ batch: Batch, port: Int, context: OperatorContext) throws
    /// A timer registered with `context.registerTimer` fired (in order of time, then key).
    func onTimer(_ domain: TimeDomain, time: Int64, key: [UInt8], context: OperatorContext) throws
    /// The instance's event-time watermark advanced (after the event-time timers it made due fired).
    func onWatermark(_ watermark: Int64, context: OperatorContext) throws
    /// Every input has ended (after the last event-time timers fired): emit what is still held.
    func flush(context: OperatorContext) throws
    /// Checkpoints: the state this instance keeps in its own properties, as bytes — or nil (the default)
    /// when it keeps none there. Stores and timers are saved by the host: leave them out. Called between
    /// batches; emit nothing here. Returning bytes makes the checkpoint impossible to restore at another
    /// parallelism (the host cannot split them by key), so keep per-key state in stores.
    func snapshot(context: OperatorContext) throws -> [UInt8]?
    /// Restores what `snapshot` returned, on a new instance (after `init`, before its first batch). Called
    /// only for a checkpoint where `snapshot` returned bytes; the default throws, so that a `snapshot`
    /// without a `restore` fails the restore instead of losing the state.
    func restore(_ state: [UInt8], context: OperatorContext) throws
}

extension RivuletOperator {
    public static var summary: String { "" }
    public static var inputs: [String] { ["in"] }
    public static var outputs: [String] { ["out"] }
    public static var configKeys: [ConfigKey] { [] }
    public static var isStateless: Bool { false }
    public func flush(context: OperatorContext) throws {}
    public func onTimer(_ domain: TimeDomain, time: Int64, key: [UInt8], context: OperatorContext) throws {}
    public func onWatermark(_ watermark: Int64, context: OperatorContext) throws {}
    public func snapshot(context: OperatorContext) throws -> [UInt8]? { nil }
    public func restore(_ state: [UInt8], context: OperatorContext) throws {
        throw PluginFailure(
            "\(Self.name): the checkpoint holds \(state.count) bytes of this operator's own state, but it does not implement restore(_:context:)")
    }
}
