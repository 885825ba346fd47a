// HostAPI: the rv_host_api table: the services plugins call, implemented over PluginContext.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletState

/// The one host service table handed to every plugin callback. Built once, never freed, never changed.
/// Every slot of the minor version it offers is filled (a test checks it, for every minor).
///
/// Failures: a service that returns an rv_status or a handle starts by clearing the context's host error
/// (`PluginContext.hostCallBegins`) and, when it fails, sets it with a message naming the service
/// (`PluginContext.fail`), which the plugin reads through `last_error` (1.2). It never touches what the
/// plugin reported through `report_error`. A (pointer, length) argument NULL with a non-zero length is
/// refused with RV_INVALID before anything is done (`SliceCheck`).
///
/// The services are grouped by concern: diagnostics, configuration and schemas here; emitting in
/// `HostAPI+Emitting.swift`; stores, timers and metrics in `HostAPI+State.swift`.
public enum HostAPI {
    /// The table plugins receive.
    public static var table: UnsafePointer<rv_host_api> { UnsafePointer(storage) }

    nonisolated(unsafe) private static let storage: UnsafeMutablePointer<rv_host_api> = {
        let p = UnsafeMutablePointer<rv_host_api>.allocate(capacity: 1)
        p.initialize(to: makeTable(minor: minor))
        return p
    }()

    /// The messages the host logs, also written to stderr (tests read them here).
    public static func write(level: UInt32, node: String, message: String) {
        let name = ["debug", "info", "warn", "error"][Int(min(level, 3))]
        FileHandle.standardError.write(Data("rivulet: [\(name)] \(node): \(message)\n".utf8))
    }

    /// The ABI minor version this host offers: RV_ABI_MINOR, or an older one when the environment variable
    /// `RIVULET_HOST_ABI_MINOR` asks to emulate an older host (compatibility tests: the table then ends
    /// before the newer slots, and plugins whose min_host_minor is newer are refused).
    public static let minor: UInt32 = {
        guard let text = ProcessInfo.processInfo.environment["RIVULET_HOST_ABI_MINOR"], let v = UInt32(text) else { return RV_ABI_MINOR }
        return min(v, RV_ABI_MINOR)
    }()

    /// The slot each minor version after 1.0 added first: a table of minor m ends where minor m + 1's
    /// first slot would be.
    static let firstSlotOfMinor: [UInt32: Int] = [
        1: MemoryLayout<rv_host_api>.offset(of: \rv_host_api.emit_derived_batch)!,
        2: MemoryLayout<rv_host_api>.offset(of: \rv_host_api.last_error)!,
    ]

    /// The table a host offering `minor` hands out: every slot up to that minor filled, `struct_size`
    /// ending there, newer slots NULL.
    static func makeTable(minor: UInt32) -> rv_host_api {
        var api = rv_host_api()
        api.struct_size = UInt32(MemoryLayout<rv_host_api>.size)
        api.abi_major = RV_ABI_MAJOR
        api.abi_minor = minor
        fillDiagnostics(&api)
        fillSchemas(&api)
        fillEmitting(&api)
        fillStores(&api)
        fillTimeAndMetrics(&api)
        if minor < 2 {
            api.last_error = nil
            api.struct_size = UInt32(firstSlotOfMinor[2]!)
        }
        if minor < 1 {
            api.emit_derived_batch = nil
            api.struct_size = UInt32(firstSlotOfMinor[1]!)
        }
        return api
    }

    /// The context of a service call that can fail, with its host error cleared; nil for a NULL context.
    @inline(__always)
    static func begin(_ ctx: OpaquePointer?) -> PluginContext? {
        guard let c = PluginContext.from(ctx) else { return nil }
        c.hostCallBegins()
        return c
    }

    private static func fillDiagnostics(_ api: inout rv_host_api) {
        api.log = { ctx, level, message in
            let node = PluginContext.from(ctx)?.nodeName ?? "plugin"
            HostAPI.write(level: level, node: node, message: message.map { String(cString: $0) } ?? "")
        }
        api.report_error = { ctx, code, index, message in
            PluginContext.from(ctx)?.report(code, index: index, message: message.map { String(cString: $0) } ?? "(no message)")
        }
        api.last_error = { ctx in PluginContext.from(ctx)?.lastErrorPointer }
        api.config_get = { ctx, key in
            guard let c = PluginContext.from(ctx), let key else { return nil }
            return UnsafePointer(c.configValues[String(cString: key)])
        }
        api.user_data = { ctx in PluginContext.from(ctx)?.userData }
    }

    private static func fillSchemas(_ api: inout rv_host_api) {
        api.input_field_index = { ctx, port, name in
            guard let c = PluginContext.from(ctx), Int(port) < c.inputSchemas.count, let name else { return -1 }
            return Int32(c.inputSchemas[Int(port)].index(of: String(cString: name)) ?? -1)
        }
        api.input_field_count = { ctx, port in
            guard let c = PluginContext.from(ctx), Int(port) < c.inputSchemas.count else { return 0 }
            return UInt32(c.inputSchemas[Int(port)].count)
        }
        api.input_field_def = { ctx, port, index, out in
            guard let c = HostAPI.begin(ctx) else { return RV_INVALID }
            guard let out else { return c.invalid("input_field_def: out is NULL") }
            guard Int(port) < c.inputSchemas.count else {
                return c.fail(RV_NOT_FOUND, "input_field_def: no input port \(port) (the operator has \(c.inputSchemas.count))")
            }
            let schema = c.inputSchemas[Int(port)]
            guard Int(index) < schema.count else {
                return c.fail(RV_NOT_FOUND, "input_field_def: input port \(port) has \(schema.count) fields, no field \(index)")
            }
            let f = schema.fields[Int(index)]
            out.pointee = rv_field_def(name: c.internedName(f.name), type: f.type.rawValue, reserved: 0)
            return RV_OK
        }
        api.output_schema_set = { ctx, port, fields, count in
            guard let c = HostAPI.begin(ctx) else { return RV_INVALID }
            guard Int(port) < c.outputs.count else { return c.noOutputPort("output_schema_set", port) }
            guard c.isCreating else { return c.invalid("output_schema_set: only valid during create") }
            if let bad = SliceCheck.bytes("fields", fields, UInt64(count), lengthName: "count") {
                return c.invalid("output_schema_set: \(bad)")
            }
            var schema = Schema()
            for i in 0..<Int(count) {
                guard let n = fields![i].name, let type = FieldType(rawValue: fields![i].type), type != .null else {
                    return c.invalid("output_schema_set: field \(i) has no name or an invalid type")
                }
                schema.append(FieldDefinition(name: String(cString: n), type: type))
            }
            c.outputs[Int(port)].setSchema(schema)
            return RV_OK
        }
        api.output_field_add = { ctx, port, name, type, indexOut in
            guard let c = HostAPI.begin(ctx) else { return RV_INVALID }
            guard Int(port) < c.outputs.count else { return c.noOutputPort("output_field_add", port) }
            guard c.isCreating else { return c.invalid("output_field_add: only valid during create") }
            guard let name, let t = FieldType(rawValue: type), t != .null else {
                return c.invalid("output_field_add: a name and a valid RV_TYPE_* are required")
            }
            var schema = c.outputs[Int(port)].schema
            let fieldName = String(cString: name)
            if schema.index(of: fieldName) != nil { return c.invalid("output_field_add: field '\(fieldName)' already exists") }
            let index = schema.append(FieldDefinition(name: fieldName, type: t))
            c.outputs[Int(port)].setSchema(schema)
            indexOut?.pointee = UInt32(index)
            return RV_OK
        }
        api.output_port_index = { ctx, name in
            guard let c = PluginContext.from(ctx), let name else { return -1 }
            return Int32(c.outputNames.firstIndex(of: String(cString: name)) ?? -1)
        }
    }
}

extension PluginContext {
    /// Fails the current host call with RV_INVALID (`message` names the service).
    func invalid(_ message: String) -> rv_status {
        fail(RV_INVALID, message)
    }

    /// Fails the current host call with RV_NOT_FOUND: the operator has no output port `port`.
    func noOutputPort(_ service: String, _ port: UInt32) -> rv_status {
        fail(RV_NOT_FOUND, "\(service): no output port \(port) (the operator has \(outputs.count))")
    }

    /// A NUL-terminated copy of `name` that lives as long as the context (for rv_field_def.name).
    func internedName(_ name: String) -> UnsafePointer<CChar> {
        let key = "\u{1}field:" + name
        if let p = configValues[key] { return UnsafePointer(p) }
        let p = strdup(name)!
        configValues[key] = p
        return UnsafePointer(p)
    }
}
