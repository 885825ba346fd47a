// PluginContext: the host object behind an rv_context: config, schemas, output ports, errors, counters.
import CRivulet
import Foundation
import RivuletCore

/// What the host knows about one operator instance (or, during init/fini, one library) while calling into
/// a plugin. Passed to C as an opaque `rv_context *` (unretained: the owner keeps it alive for as long as
/// the plugin may use it). Touched only by the thread running the instance, except counters.
public final class PluginContext {
    /// The last failure a callback described through `report_error`.
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
    /// The batch being processed and the offset of the slice handed to the plugin.
    var currentInput: RecordBatch?
    var currentInputOffset = 0
    var currentInputPort = 0
    /// [input port][output port]: same schema, so forward is allowed. Computed after create.
    var forwardable: [[Bool]] = []
    public internal(set) var lastError: ReportedError?
    /// A host-side failure raised inside a service call (e.g. a downstream sink could not write); the
    /// plugin is told RV_FATAL and the host rethrows this once the callback returns.
    var pendingFailure: Error?
    public var watermark: Int64 = Int64.min
    /// The user_data of the definition this context was made for.
    var userData: UnsafeRawPointer?
    let counters = CounterRegistry()

    public init(nodeName: String) {
        self.nodeName = nodeName
    }

    deinit {
        for value in configValues.values { free(value) }
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

    func schemasMatch(input: Int, output: Int) -> Bool {
        input < forwardable.count && output < forwardable[input].count && forwardable[input][output]
    }

    func clearError() {
        lastError = nil
    }

    func record(error code: Int32, index: Int64, message: String) {
        lastError = ReportedError(code: code, recordIndex: index, message: message)
    }
}

/// The counters an instance registered through the host API, by name. Values are thread-safe to add.
final class CounterRegistry {
    private(set) var byName: [String: MetricsCounter] = [:]

    func counter(named name: String) -> MetricsCounter {
        if let c = byName[name] { return c }
        let c = MetricsCounter(name: name)
        byName[name] = c
        return c
    }
}
