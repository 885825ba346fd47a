// OperatorContext: a Swift plugin's safe handle on the host services of rivulet.h (core; services in extensions).
internal import CRivulet

/// The host, as one operator instance sees it: configuration and schemas (`+Config`, `+Schemas`),
/// emitting and forwarding (`+Emit`, `+BatchEmit`), state stores (`+Stores`), time and timers (`+Time`),
/// counters and the log (`+Metrics`). It wraps the `rv_host_api` table and the instance's `rv_context`,
/// which plugins never see. Valid inside callbacks only, on the calling thread (the threading contract of
/// rivulet.h); keep it as the instance does, do not share it between instances.
public final class OperatorContext {
    let api: UnsafePointer<rv_host_api>
    let ctx: OpaquePointer
    /// Rows, indexes and bytes for emitting, and the batch being processed (see `EmitScratch`).
    let scratch: UnsafeMutablePointer<EmitScratch>
    /// The configuration keys the operator declares (the flat fallback of `configuration` on old hosts).
    let declaredKeys: [ConfigKey]
    /// The field count of each output port, once the operator has set its schema (-1: the default, the
    /// schema of input 0).
    var outputWidths: [Int]
    /// Counters registered so far, by name (registered once each: `counter(_:)`).
    var counters: [String: Counter] = [:]
    /// Stores opened so far, by name.
    var stores: [String: Store] = [:]
    /// The parsed configuration (on first use).
    var parsedConfiguration: ConfigMap?

    init(api: UnsafePointer<rv_host_api>, ctx: OpaquePointer, outputCount: Int, declaredKeys: [ConfigKey]) {
        self.api = api
        self.ctx = ctx
        self.declaredKeys = declaredKeys
        outputWidths = Array(repeating: -1, count: max(1, outputCount))
        scratch = EmitScratch.make()
    }

    deinit {
        EmitScratch.destroy(scratch)
    }

    /// The batch of the `process` call running, nil outside one.
    var currentBatch: UnsafePointer<rv_batch>? {
        get { scratch.pointee.currentBatch }
        set { scratch.pointee.currentBatch = newValue }
    }

    /// Throws `HostStatus` unless the host answered RV_OK.
    @inline(__always)
    func check(_ status: rv_status, _ service: StaticString) throws {
        guard status == RV_OK else { throw HostStatus(status: status, service: "\(service)", api: api, ctx: ctx) }
    }

    /// Whether the host table has the slot at `offset` (the C macro RV_HAS: struct_size covers it, not NULL).
    func hostHas(_ slot: PartialKeyPath<rv_host_api>) -> Bool {
        guard let offset = MemoryLayout<rv_host_api>.offset(of: slot) else { return false }
        return Int(api.pointee.struct_size) >= offset + MemoryLayout<UnsafeRawPointer>.size
    }
}
