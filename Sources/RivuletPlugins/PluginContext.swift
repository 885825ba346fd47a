// PluginContext: the host object behind an rv_context: config, schemas, output ports, errors, counters.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletState

/// What the host knows about one operator instance (or, during init/fini, one library) while calling into
/// a plugin. Passed to C as an opaque `rv_context *` (unretained: the owner keeps it alive for as long as
/// the plugin may use it). Touched only by the thread running the instance, except counters.
///
/// Two error slots, kept apart: `reported` is what the plugin said through `report_error` (the reason a
/// record is dead-lettered, or the run stops); the host error (`api->last_error`) is why the host's most
/// recent service call on this context failed. Both are cleared when a callback starts.
public final class PluginContext {
    /// A failure a callback described through `report_error`.
    public struct ReportedError: Sendable {
        public let code: Int32
        public let recordIndex: Int64
        public let message: String
    }

    public let nodeName: String
    var configValues: [String: UnsafeMutablePointer<CChar>] = [:]
    public internal(set) var inputSchemas: [Schema] = []
    public internal(set) var outputs: [OutputPort] = []
    public internal(set) var outputNames: [String] = []
    /// True while create runs: output schemas may change only then.
    var isCreating = false

    /// What `emit` and `forward` read per record, behind a `let` pointer (no exclusivity checks, no ARC).
    /// Invariants: `outputs` holds unretained references to the ports of `self.outputs`, which this
    /// context keeps alive; `input` is set only for the duration of a process call, while the caller
    /// holds the batch; `forwardable[i * outputCount + o]` says input `i` and output `o` share a schema.
    struct FastPath {
        var input: Unmanaged<RecordBatch>?
        var inputOffset: Int
        var inputPort: Int
        var outputs: UnsafeMutablePointer<Unmanaged<OutputPort>>?
        var outputCount: Int
        var forwardable: UnsafeMutablePointer<Bool>?
        var inputCount: Int
        /// Emitting host calls made during the current process call (reset before each).
        var emissions: Int = 0
        /// A whole-batch `emit_derived_batch` kept back to be applied in place when process returns
        /// (see `PluginContext.deferRewrite`): its output port, or -1; its rows are in `rewriteRows`.
        var pendingPort: Int = -1
        var pendingCount: Int = 0
        var pendingWidth: Int = 0
        /// Whether the most recent host service call that can fail did (then `hostErrorText` says why).
        /// Cleared at the start of every such call and of every callback: one store on the emit path.
        var hostFailed: Bool = false
    }

    let fast: UnsafeMutablePointer<FastPath> = {
        let p = UnsafeMutablePointer<FastPath>.allocate(capacity: 1)
        p.initialize(to: FastPath(input: nil, inputOffset: 0, inputPort: 0, outputs: nil, outputCount: 0, forwardable: nil, inputCount: 0))
        return p
    }()
    /// The last failure the plugin described through `report_error` during the current callback.
    public internal(set) var reported: ReportedError?
    /// The host error's message, NUL-terminated (malloc'd; replaced on the next failure, freed at deinit):
    /// what `last_error` returns while `fast.hostFailed` is set, so it stays valid until the next host call
    /// as rivulet.h promises (longer, in fact: until the next failing one).
    private var hostErrorText: UnsafeMutablePointer<CChar>?
    /// A host-side failure raised inside a service call (e.g. a downstream sink could not write); the
    /// plugin is told RV_FATAL and the host rethrows this once the callback returns.
    var pendingFailure: Error?
    public var watermark: Int64 = Int64.min
    /// The user_data of the definition this context was made for.
    var userData: UnsafeRawPointer?
    public let counters = CounterRegistry()
    /// The stores attached to this instance (the manifest's `stores:` of its operator), by name.
    var stores: [String: StoreHandle] = [:]
    /// Iterators handed out and not closed yet (a plugin must close each; the operator closes forgotten
    /// ones after destroy, before the stores close).
    var openIterators: [ObjectIdentifier: IteratorHandle] = [:]
    /// Timers registered through the host API (operators with an on_timer callback only).
    let timers = TimerService()
    /// Whether the operator has an on_timer callback (timers cannot be registered otherwise).
    var acceptsTimers = false
    /// Set when the operator's input has no event time of its own (a source without `time:`, whose
    /// records get the wall clock): an event-time timer then stops the run with this reason instead of
    /// firing at wall-clock times.
    public var eventTimerRefusal: String?

    public init(nodeName: String) {
        self.nodeName = nodeName
    }

    /// Rows of a deferred whole-batch rewrite (grown as needed, reused).
    private var rewriteRows: UnsafeMutablePointer<rv_field>?
    private var rewriteCapacity = 0

    /// Keeps back an `emit_derived_batch` that replaces the whole input batch (copying its rows): when
    /// process returns with nothing else emitted, the input batch — exclusive to this call — is
    /// rewritten in place and passed on as the output (no record is copied); if anything else is emitted
    /// first, or process fails, it is emitted the ordinary way at that point, in order. Returns false
    /// (keeping nothing back) when a row holds a string or bytes field that is NULL with a non-zero length:
    /// the caller emits the rows the ordinary way, which stops at that row.
    func deferRewrite(port: Int, rows: UnsafePointer<rv_field>, count: Int, width: Int) -> Bool {
        let needed = count * width
        if needed > rewriteCapacity {
            rewriteRows?.deallocate()
            rewriteRows = .allocate(capacity: needed)
            rewriteCapacity = needed
        }
        rewriteRows!.update(from: rows, count: needed)
        // The plugin may free or reuse the bytes its rows point to once this call returns: resolve them now
        // (the input batch is held by this call alone, and its arena only grows).
        let invalidRow = fast.pointee.input!._withUnsafeGuaranteedRef { $0.resolveBytes(ofRows: rewriteRows!, count: count, width: width) }
        guard invalidRow == nil else { return false }
        fast.pointee.pendingPort = port
        fast.pointee.pendingCount = count
        fast.pointee.pendingWidth = width
        return true
    }

    /// Emits a deferred rewrite the ordinary way (derived records in a new batch).
    func materializeDeferredRewrite() throws {
        let f = fast.pointee
        guard f.pendingPort >= 0, let input = f.input else { return }
        fast.pointee.pendingPort = -1
        _ = try input._withUnsafeGuaranteedRef { batch in
            try outputs[f.pendingPort].emitDerived(
                from: batch, offset: 0, indexes: nil, rows: rewriteRows!, count: f.pendingCount,
                fieldCount: f.pendingWidth)
        }
    }

    /// Applies a deferred rewrite to `batch` (the input, still exclusive) in place and emits it whole.
    func applyDeferredRewrite(to batch: RecordBatch) throws {
        let f = fast.pointee
        guard f.pendingPort >= 0 else { return }
        fast.pointee.pendingPort = -1
        let port = outputs[f.pendingPort]
        guard batch.canRewriteInPlace(width: f.pendingWidth), batch.count == f.pendingCount else {
            try port.emitDerived(from: batch, offset: 0, indexes: nil, rows: rewriteRows!, count: f.pendingCount, fieldCount: f.pendingWidth)
            return
        }
        batch.rewriteInPlace(schema: port.schema, rows: rewriteRows!, width: f.pendingWidth, bytesResolved: true)
        try port.emitWhole(batch)
    }

    /// Drops a deferred rewrite (the run is failing).
    func discardDeferredRewrite() { fast.pointee.pendingPort = -1 }

    deinit {
        free(hostErrorText)
        rewriteRows?.deallocate()
        for value in configValues.values { free(value) }
        fast.pointee.outputs?.deallocate()
        fast.pointee.forwardable?.deallocate()
        fast.deallocate()
    }

    /// Freezes the ports after create: builds the per-record tables of `FastPath`.
    func sealPorts() {
        let outputsTable = UnsafeMutablePointer<Unmanaged<OutputPort>>.allocate(capacity: max(1, outputs.count))
        for (i, port) in outputs.enumerated() { outputsTable[i] = Unmanaged.passUnretained(port) }
        let table = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, inputSchemas.count * outputs.count))
        for (i, input) in inputSchemas.enumerated() {
            for (o, port) in outputs.enumerated() { table[i * outputs.count + o] = port.schema == input }
        }
        fast.pointee.outputs?.deallocate()
        fast.pointee.forwardable?.deallocate()
        fast.pointee.outputs = outputsTable
        fast.pointee.outputCount = outputs.count
        fast.pointee.forwardable = table
        fast.pointee.inputCount = inputSchemas.count
    }

    /// The `rv_context *` for this object.
    public var opaque: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ ctx: OpaquePointer?) -> PluginContext? {
        guard let ctx else { return nil }
        return Unmanaged<PluginContext>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
    }

    /// Sets the configuration the plugin reads with `config_get`.
    public func setConfig(_ entries: [(key: String, value: String)]) {
        for value in configValues.values { free(value) }
        configValues = [:]
        for (key, value) in entries { configValues[key] = strdup(value) }
    }

    /// Sets the input schemas and creates the output ports (schemas default to input 0's).
    public func configurePorts(inputs: [Schema], outputNames: [String], batchCapacity: Int) {
        inputSchemas = inputs
        self.outputNames = outputNames
        outputs = outputNames.map { OutputPort(name: $0, schema: inputs.first ?? Schema(), batchCapacity: batchCapacity) }
    }

    /// Starts a callback: neither the plugin's report nor a host error of an earlier callback applies.
    func clearErrors() {
        reported = nil
        fast.pointee.hostFailed = false
    }

    /// What the plugin reported through `report_error`.
    func report(_ code: Int32, index: Int64, message: String) {
        reported = ReportedError(code: code, recordIndex: index, message: message)
    }

    /// Starts a host service call that can fail: `last_error` is NULL unless this call fails.
    @inline(__always)
    func hostCallBegins() {
        fast.pointee.hostFailed = false
    }

    /// Fails the current host service call with `status`: `message` (which names the service) becomes
    /// `last_error`. The plugin's own report is left as it is.
    @discardableResult
    func fail(_ status: rv_status, _ message: String) -> rv_status {
        free(hostErrorText)
        hostErrorText = strdup(message)
        fast.pointee.hostFailed = true
        return status
    }

    /// `api->last_error`: the message of the most recent host call, if it failed; NULL otherwise.
    var lastErrorPointer: UnsafePointer<CChar>? {
        fast.pointee.hostFailed ? UnsafePointer(hostErrorText) : nil
    }

    /// The host error as a Swift string, if the most recent host call failed.
    public var hostError: String? {
        lastErrorPointer.map { String(cString: $0) }
    }

    /// The message for a callback that returned `status` (not RV_OK): the callback, the status by name,
    /// and the reason — the plugin's report, else the host error of its last failed service call (a
    /// plugin passing a host status on), e.g. "process returned RV_INVALID: store_put: key is NULL with
    /// length 5".
    func failure(_ callback: String, _ status: rv_status) -> String {
        guard let reason = reported?.message ?? hostError else {
            return "\(callback) returned \(PluginStatus(status)) without a message"
        }
        return "\(callback) returned \(PluginStatus(status)): \(reason)"
    }
}

/// The counters an instance registered through the host API, by name. Registered by the instance's thread,
/// read by metrics from another: the table is behind a lock; the counters themselves are atomic.
public final class CounterRegistry: @unchecked Sendable {
    private var byName: [String: MetricsCounter] = [:]
    private let lock = NSLock()

    func counter(named name: String) -> MetricsCounter {
        lock.lock()
        defer { lock.unlock() }
        if let c = byName[name] { return c }
        let c = MetricsCounter(name: name)
        byName[name] = c
        return c
    }

    /// Every counter registered so far, by name.
    public func snapshot() -> [(name: String, value: Int64)] {
        lock.lock()
        defer { lock.unlock() }
        return byName.map { ($0.key, $0.value.value) }.sorted { $0.name < $1.name }
    }
}
