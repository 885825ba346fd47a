// PluginAggregate: a plugin's rv_aggregate_def (init/add/merge/result, optional retract) driven by the host.
import CRivulet
import RivuletCore
import RivuletExecution

/// Calls a plugin aggregate for the host's windows: the host owns the accumulator bytes (`acc_size`,
/// 16-byte aligned, zeroed, then `init`), passes the aggregated field to `add`, folds accumulators with
/// `merge` (sessions, sliding windows) and reads `result`. A callback that does not return RV_OK stops
/// the run with the plugin's reported message (an aggregate has no per-record dead-letter path: its state
/// would be wrong). Its methods are `WindowAggregate`'s; RivuletRuntime, which composes plugins and windows,
/// declares the conformance (`PluginAggregate+WindowAggregate.swift`), so this module does not depend on
/// RivuletWindows.
public final class PluginAggregate {
    let plugin: LoadedPlugin
    let def: rv_aggregate_def
    let name: String
    let inputField: Int?
    let context: PluginContext
    /// What the crash guard names if the aggregate crashes (`CrashScope`); the window's factory adds
    /// the operator.
    public let crashScope: CrashScope

    public init(plugin: LoadedPlugin, name: String, inputFields: [Int], inputSchema: Schema) throws {
        guard let info = plugin.aggregates.first(where: { $0.name == name }) else {
            let known = plugin.aggregates.map(\.name)
            throw OperatorFailure(
                node: plugin.name,
                message:
                    "plugin '\(plugin.name)' (\(plugin.path)) has no aggregate '\(name)'; it has: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
                    + DidYouMean.hint(name, among: known)
            )
        }
        guard inputFields.count <= 1 else {
            throw OperatorFailure(node: plugin.name, message: "a plugin aggregate takes at most one field, got \(inputFields.count)")
        }
        self.plugin = plugin
        self.def = info.definition.pointee
        self.name = name
        inputField = inputFields.first
        context = PluginContext(nodeName: "\(plugin.name).\(name)")
        crashScope = CrashScope(what: "aggregate '\(name)' of \(plugin.path)")
        context.userData = def.user_data
        context.configurePorts(inputs: [inputSchema], outputNames: [], batchCapacity: 1)
        if let f = inputField, def.input_type != FieldType.null.rawValue, def.input_type != inputSchema.fields[f].type.rawValue {
            let want = FieldType(rawValue: def.input_type).map { "\($0)" } ?? "type \(def.input_type)"
            throw OperatorFailure(
                node: plugin.name,
                message: "aggregate '\(name)' takes \(want) values, but field '\(inputSchema.fields[f].name)' is \(inputSchema.fields[f].type)")
        }
    }

    public var resultType: FieldType { FieldType(rawValue: def.result_type) ?? .null }
    public var size: Int { (Int(def.acc_size) + 7) & ~7 }
    /// The plugin's `acc_size`: the bytes of an accumulator that are its state (plain bytes, no pointers).
    public var accumulatorSize: Int { Int(def.acc_size) }

    /// Any status but RV_OK stops the run: "aggregate add returned RV_FATAL: <reason>".
    private func check(_ status: rv_status, _ callback: String) throws {
        guard status != RV_OK else { return }
        let message = context.failure("aggregate \(callback)", status)
        context.clearErrors()
        throw OperatorFailure(node: context.nodeName, message: message)
    }

    public func initialize(_ acc: UnsafeMutableRawPointer) throws {
        context.hostCallBegins()  // a new callback: no host error of an earlier one applies
        try check(crashScope.around(.aggregateInit) { def.`init`!(HostAPI.table, context.opaque, acc) }, "init")
    }

    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) throws {
        var value = inputField.map { record.pointee.fields[$0] } ?? rv_field()
        context.hostCallBegins()  // a new callback: no host error of an earlier one applies
        try check(crashScope.around(.aggregateAdd, record: record) { def.add!(HostAPI.table, context.opaque, acc, &value) }, "add")
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) throws {
        context.hostCallBegins()  // a new callback: no host error of an earlier one applies
        try check(crashScope.around(.aggregateMerge) { def.merge!(HostAPI.table, context.opaque, acc, other) }, "merge")
    }

    public func result(_ acc: UnsafeMutableRawPointer) throws -> rv_field {
        var out = rv_field()
        context.hostCallBegins()  // a new callback: no host error of an earlier one applies
        try check(crashScope.around(.aggregateResult) { def.result!(HostAPI.table, context.opaque, acc, &out) }, "result")
        if out.type == RV_TYPE_STRING || out.type == RV_TYPE_BYTES, out.len != 0, out.value.ptr == nil {
            throw OperatorFailure(
                node: context.nodeName,
                message: "aggregate result: the \(out.type == RV_TYPE_STRING ? "string" : "bytes") result is NULL with length \(out.len)")
        }
        return out
    }
}
