// OperatorContext+Schemas: input fields by name and type, and the schemas of the output ports.
internal import CRivulet

#if canImport(Glibc)
import Glibc
#endif

extension OperatorContext {
    /// The index of input field `name` on `port`, or nil. Resolve names once, in `init(context:)`.
    public func inputField(_ name: String, port: Int = 0) -> Int? {
        let i = api.pointee.input_field_index(ctx, UInt32(port), name)
        return i >= 0 ? Int(i) : nil
    }

    /// The fields of input `port`, in order.
    public func inputFields(port: Int = 0) -> [(name: String, kind: FieldKind)] {
        let n = api.pointee.input_field_count(ctx, UInt32(port))
        return (0..<n).map { i in
            var def = rv_field_def()
            _ = api.pointee.input_field_def(ctx, UInt32(port), i, &def)
            return (def.name.map { String(cString: $0) } ?? "", FieldKind(rawValue: def.type) ?? .null)
        }
    }

    /// The type of input field `index` on `port`.
    public func inputKind(_ index: Int, port: Int = 0) -> FieldKind {
        var def = rv_field_def()
        guard api.pointee.input_field_def(ctx, UInt32(port), UInt32(index), &def) == RV_OK else { return .null }
        return FieldKind(rawValue: def.type) ?? .null
    }

    /// The index of output port `name` (as listed in the operator's `outputs`), or nil.
    public func outputPort(_ name: String) -> Int? {
        let i = api.pointee.output_port_index(ctx, name)
        return i >= 0 ? Int(i) : nil
    }

    /// How many fields output `port` has: what emitted rows must hold (by default the schema of input 0).
    public func outputFieldCount(port: Int = 0) -> Int {
        if port < outputWidths.count, outputWidths[port] >= 0 { return outputWidths[port] }
        let n = Int(api.pointee.input_field_count(ctx, 0))
        if port < outputWidths.count { outputWidths[port] = n }
        return n
    }

    /// Appends a field to output `port`'s schema (in `init(context:)`); returns its index.
    @discardableResult
    public func addOutputField(_ name: String, _ kind: FieldKind, port: Int = 0) throws -> Int {
        var index: UInt32 = 0
        try check(api.pointee.output_field_add(ctx, UInt32(port), name, kind.rawValue, &index), "output_field_add")
        if port < outputWidths.count { outputWidths[port] = Int(index) + 1 }
        return Int(index)
    }

    /// Replaces output `port`'s schema (in `init(context:)`).
    public func setOutputFields(_ fields: [(name: String, kind: FieldKind)], port: Int = 0) throws {
        let names = fields.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        let defs = zip(names, fields).map { rv_field_def(name: UnsafePointer($0.0), type: $0.1.kind.rawValue, reserved: 0) }
        try check(api.pointee.output_schema_set(ctx, UInt32(port), defs, UInt32(defs.count)), "output_schema_set")
        if port < outputWidths.count { outputWidths[port] = fields.count }
    }
}
