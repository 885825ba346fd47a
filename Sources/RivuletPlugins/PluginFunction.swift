// PluginFunction: a plugin's scalar function (rv_function_def) called on fields of each record.
import CRivulet
import RivuletCore
import RivuletExecution

/// Calls a plugin's `rv_function_def` with the values of some fields of a record. Used as an event-time
/// extractor today. The argument fields' types are checked against the function's declared types when
/// it is created (RV_TYPE_NULL accepts any).
public final class PluginFunction {
    let plugin: LoadedPlugin
    let def: rv_function_def
    public let name: String
    let fields: [Int]
    let context: PluginContext
    private var arguments: [rv_field]
    /// What the crash guard names if the function crashes (`CrashScope`); the source's factory adds
    /// where it is used.
    public let crashScope: CrashScope

    public init(plugin: LoadedPlugin, name: String, fields: [Int], inputSchema: Schema) throws {
        guard let info = plugin.functions.first(where: { $0.name == name }) else {
            let known = plugin.functions.map(\.name)
            throw OperatorFailure(
                node: plugin.name,
                message:
                    "plugin '\(plugin.name)' (\(plugin.path)) has no function '\(name)'; it has: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
                    + DidYouMean.hint(name, among: known)
            )
        }
        guard info.argTypes.count == fields.count else {
            throw OperatorFailure(node: plugin.name, message: "function '\(name)' takes \(info.argTypes.count) argument(s), got \(fields.count)")
        }
        for (i, f) in fields.enumerated() where info.argTypes[i] != FieldType.null.rawValue && info.argTypes[i] != inputSchema.fields[f].type.rawValue
        {
            let want = FieldType(rawValue: info.argTypes[i]).map { "\($0)" } ?? "type \(info.argTypes[i])"
            throw OperatorFailure(
                node: plugin.name,
                message:
                    "function '\(name)' takes \(want) as argument \(i + 1), but field '\(inputSchema.fields[f].name)' is \(inputSchema.fields[f].type)"
            )
        }
        self.plugin = plugin
        def = info.definition.pointee
        self.name = name
        self.fields = fields
        context = PluginContext(nodeName: "\(plugin.name).\(name)")
        context.userData = def.user_data
        crashScope = CrashScope(what: "function '\(name)' of \(plugin.path)")
        arguments = Array(repeating: rv_field(), count: max(1, fields.count))
    }

    /// How a call failed: the plugin's message, and whether it was RV_ERROR (this record only) or worse.
    public struct CallFailure: Error {
        public let message: String
        public let recordOnly: Bool
    }

    /// The function's result for `record`, or the plugin's reason when it returns anything but RV_OK.
    public func call(_ record: UnsafePointer<rv_record>) -> Result<rv_field, CallFailure> {
        for (i, f) in fields.enumerated() { arguments[i] = record.pointee.fields[f] }
        var out = rv_field()
        context.clearErrors()
        let status = arguments.withUnsafeBufferPointer { args in
            crashScope.around(.call, record: record) { def.call!(HostAPI.table, context.opaque, args.baseAddress, UInt64(fields.count), &out) }
        }
        // RV_ERROR: this record's reason, as the plugin gave it (a dead letter's reason); anything else
        // stops the run, naming the function and the status.
        if status == RV_ERROR, let reason = context.reported?.message {
            return .failure(CallFailure(message: reason, recordOnly: true))
        }
        guard status == RV_OK else {
            return .failure(CallFailure(message: context.failure(name, status), recordOnly: status == RV_ERROR))
        }
        if out.type == RV_TYPE_STRING || out.type == RV_TYPE_BYTES, out.len != 0, out.value.ptr == nil {
            return .failure(
                CallFailure(
                    message: "\(name) returned a \(out.type == RV_TYPE_STRING ? "string" : "bytes") result that is NULL with length \(out.len)",
                    recordOnly: false))
        }
        return .success(out)
    }
}
