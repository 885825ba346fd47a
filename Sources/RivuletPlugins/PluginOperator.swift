// PluginOperator: one instance of a plugin's operator, driven through the C ABI.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletState

/// Runs one instance of a plugin operator: create at init, process per batch, flush at the end, destroy
/// on close. Implements the status protocol of rivulet.h:
/// - RV_OK: done.
/// - RV_ERROR from process: the reported record is dead-lettered with the plugin's message; process is
///   called again with the records after it (an unindexed RV_ERROR dead-letters the rest of the batch).
/// - RV_RETRY: process is called again from the reported record (or the same slice); on_watermark,
///   on_timer and flush with the same arguments; after a pause, up to `maxRetries` times in a row, then
///   the run fails.
/// - Anything else — RV_FATAL, a host status passed on, RV_ERROR from a callback without records, any
///   status from create: the run stops, naming the callback, the status and the reason (the plugin's
///   report, else the host error of its last failed service call).
public final class PluginOperator: StreamOperator {
    public let name: String
    public let plugin: LoadedPlugin
    public let info: OperatorInfo
    public let context: PluginContext
    public let deadLetters: DeadLetterRoute
    public var maxRetries = 5
    /// What the crash guard names if the plugin crashes during a call (`CrashScope`).
    public let crashScope: CrashScope
    static func crashDescription(_ name: String, _ info: OperatorInfo, _ plugin: LoadedPlugin, _ instance: Int) -> String {
        "operator '\(name)' (\(info.name) of \(plugin.path)), instance \(instance)"
    }
    var instance: UnsafeMutableRawPointer?
    private var created = false
    var def: rv_operator_def { info.definition.pointee }
    /// Whether the operator keeps state of its own (a snapshot callback) or timers: state only local
    /// checkpoints restore.
    public var keepsLocalState: Bool { def.snapshot != nil || def.on_timer != nil }
    /// Bytes of the plugin's own state in the last snapshot taken or restored (nil: none yet): whether the
    /// instance can be rescaled (`isRescalable`).
    var ownStateBytes: Int?
    /// The version of the plugin that wrote the state this instance was restored from (nil: not restored).
    /// Recorded for messages and for a later host service; the plugin's `restore` receives the bytes only.
    public internal(set) var restoredFromVersion: String?

    /// Creates the instance: the plugin reads its config and may reshape its output schemas. `stores` are
    /// the names of the stores the manifest attaches (`stores:`): create may open them (`store_open`); they
    /// are bound to their backing stores later, by `attach(stores:)`, before the first batch.
    public init(
        name: String, plugin: LoadedPlugin, info: OperatorInfo, config: [(key: String, value: String)],
        inputSchemas: [Schema], batchCapacity: Int, stores: [String] = [], deadLetters: DeadLetterRoute, instance index: Int = 0
    ) throws {
        self.name = name
        self.deadLetters = deadLetters
        self.plugin = plugin
        self.info = info
        crashScope = CrashScope(what: Self.crashDescription(name, info, plugin, index))
        context = PluginContext(nodeName: name)
        context.setConfig(config)
        context.userData = info.definition.pointee.user_data
        context.acceptsTimers = info.definition.pointee.on_timer != nil
        context.configurePorts(inputs: inputSchemas, outputNames: info.outputs, batchCapacity: batchCapacity)
        for store in stores { context.stores[store] = StoreHandle(name: store) }
        for key in info.configKeys where key.required && !config.contains(where: { $0.key == key.name }) {
            throw OperatorFailure(node: name, message: "operator '\(info.name)' requires config key '\(key.name)' (\(key.description))")
        }
        context.isCreating = true
        context.clearErrors()
        var out: UnsafeMutableRawPointer? = nil
        let status = crashScope.around(.create) { info.definition.pointee.create(HostAPI.table, context.opaque, &out) }
        context.isCreating = false
        guard status == RV_OK else { throw OperatorFailure(node: name, message: context.failure("create", status)) }
        instance = out
        created = true
        context.sealPorts()
    }

    /// The operator's declared output ports, in descriptor order.
    public var outputs: [OutputPort] { context.outputs }

    /// A batch of one of several inputs: what it forwards or derives may not carry a watermark above the
    /// other inputs' (`watermarkCap`).
    public func process(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws {
        for p in context.outputs { p.setWatermarkCap(watermarkCap) }
        defer { for p in context.outputs { p.setWatermarkCap(.max) } }
        try process(batch, port: port)
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        context.fast.pointee.input = Unmanaged.passUnretained(batch)
        context.fast.pointee.inputPort = port
        defer { context.fast.pointee.input = nil }
        var start = 0
        var retries = 0
        var retryingAt = -1
        // Counted over the whole batch, retries included: only a batch nothing was emitted from yet may
        // be rewritten in place (records emitted by an earlier attempt may point into it).
        context.fast.pointee.emissions = 0
        while start < batch.count {
            var view = batch.cBatch(from: start)
            context.fast.pointee.inputOffset = start
            context.clearErrors()
            let status = withUnsafePointer(to: &view) { v in
                crashScope.around(.process, records: v) { def.process(HostAPI.table, context.opaque, instance, UInt32(port), v) }
            }
            if let failure = context.pendingFailure {
                context.discardDeferredRewrite()
                throw failure
            }
            // A whole-batch rewrite kept back by emit_derived_batch: in place if the call succeeded,
            // else emitted the ordinary way before the failure is handled.
            if status == RV_OK {
                try context.applyDeferredRewrite(to: batch)
            } else {
                try context.materializeDeferredRewrite()
            }
            switch status {
            case RV_OK:
                start = batch.count
            case RV_ERROR:
                let index = context.reported?.recordIndex ?? -1
                let reason = context.reported?.message ?? "process returned RV_ERROR without a message"
                if index >= 0 && start + Int(index) < batch.count {
                    try deadLetter(batch, start + Int(index), port: port, reason: reason)
                    start += Int(index) + 1
                } else {
                    for i in start..<batch.count { try deadLetter(batch, i, port: port, reason: reason) }
                    start = batch.count
                }
            case RV_RETRY:
                // Resume from the reported record; the limit counts consecutive attempts at one record.
                let resumeAt = start + max(0, Int(context.reported?.recordIndex ?? 0))
                retries = resumeAt == retryingAt ? retries + 1 : 1
                retryingAt = resumeAt
                if retries > maxRetries { throw retryLimit("process") }
                start = resumeAt
                usleep(UInt32(1000 << min(retries, 8)))
            default:
                throw OperatorFailure(node: name, message: context.failure("process", status))
            }
        }
        try flushOutputs()
    }

    private func deadLetter(_ batch: RecordBatch, _ index: Int, port: Int, reason: String) throws {
        try deadLetters.send(batch.record(at: index), schema: batch.schema, reason: reason)
    }

    private func flushOutputs() throws {
        for port in context.outputs { try port.flush() }
        try deadLetters.errorsPort?.flush()
        // The record batch is done: its state changes become durable together (write batch, changelog).
        for handle in context.stores.values { try handle.store?.commit() }
    }

    /// Binds the stores the manifest lists for this operator to their backing stores (after create, before
    /// the first batch): the handles create may have opened stay valid.
    public func attach(stores: [String: KeyValueStore]) {
        for (name, store) in stores {
            let handle = context.stores[name] ?? StoreHandle(name: name)
            handle.store = store
            context.stores[name] = handle
        }
    }

    public func advanceWatermark(to watermark: Int64) throws {
        guard watermark > context.watermark else { return }
        context.watermark = watermark
        try fireTimers(RV_TIME_EVENT, upTo: watermark)
        if let onWatermark = def.on_watermark {
            try call("on_watermark") { crashScope.around(.onWatermark) { onWatermark(HostAPI.table, context.opaque, instance, watermark) } }
            try flushOutputs()
        }
        for port in context.outputs { try port.advanceWatermark(to: watermark) }
    }

    /// Fires processing-time timers due at `now`.
    public func advanceProcessingTime(to now: Int64) throws {
        try fireTimers(RV_TIME_PROCESSING, upTo: now)
    }

    /// Calls on_timer for each timer of `domain` due at `now`, in (time, key) order, then flushes.
    private func fireTimers(_ domain: UInt32, upTo now: Int64) throws {
        guard let onTimer = def.on_timer, context.timers.count > 0 else { return }
        var fired = false
        while let timer = context.timers.popDue(domain, upTo: now) {
            try call("on_timer") {
                timer.key.withUnsafeBufferPointer { key in
                    crashScope.around(.onTimer) {
                        onTimer(HostAPI.table, context.opaque, instance, domain, timer.time, key.baseAddress, UInt64(key.count))
                    }
                }
            }
            fired = true
        }
        if fired { try flushOutputs() }
    }

    public func finish() throws {
        // The end of input is the final watermark: every event-time timer fires (Flink's MAX_WATERMARK).
        context.watermark = .max
        try fireTimers(RV_TIME_EVENT, upTo: .max)
        if let flush = def.flush {
            try call("flush") { crashScope.around(.flush) { flush(HostAPI.table, context.opaque, instance) } }
        }
        try flushOutputs()
    }

    /// Calls a callback without records (on_watermark, on_timer, flush): RV_RETRY calls it again with the
    /// same arguments after a pause, up to `maxRetries` times in a row; any other status but RV_OK stops
    /// the run — RV_ERROR included, as there is no record to dead-letter.
    func call(_ callback: String, _ body: () -> rv_status) throws {
        var retries = 0
        while true {
            context.clearErrors()
            let status = body()
            if let failure = context.pendingFailure { throw failure }
            switch status {
            case RV_OK:
                return
            case RV_RETRY:
                retries += 1
                if retries > maxRetries { throw retryLimit(callback) }
                usleep(UInt32(1000 << min(retries, 8)))
            case RV_ERROR:
                throw OperatorFailure(node: name, message: context.failure(callback, status) + " (no record to dead-letter outside process)")
            default:
                throw OperatorFailure(node: name, message: context.failure(callback, status))
            }
        }
    }

    /// The failure after `maxRetries` retries in a row.
    func retryLimit(_ callback: String) -> OperatorFailure {
        OperatorFailure(
            node: name,
            message:
                "\(callback) still returned RV_RETRY after \(maxRetries) retries: \(context.reported?.message ?? context.hostError ?? "no message")")
    }

    public func close() {
        guard created else { return }
        created = false
        crashScope.around(.destroy) { def.destroy(HostAPI.table, context.opaque, instance) }
        instance = nil
        // Iterators the plugin never closed: close them (and drop store_range's +1) before the stores go.
        for handle in context.openIterators.values {
            handle.iterator.close()
            Unmanaged.passUnretained(handle).release()
        }
        context.openIterators = [:]
    }

    deinit { close() }
}
