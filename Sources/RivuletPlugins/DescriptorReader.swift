// DescriptorReader: validates a plugin descriptor and copies what it declares into host-owned memory.
import CRivulet

/// Reads a plugin's descriptor defensively: versions first, then only `min(struct_size, known size)`
/// bytes of each struct into zeroed host memory (so fields a plugin's older struct lacks read as 0/NULL),
/// then checks every pointer and name the host relies on.
enum DescriptorReader {
    static let maxPorts = 64

    /// Checks versions and copies the top-level descriptor. The version header is read at the offsets
    /// abi_checks.c pins (struct_size 0, abi_major 4, min_host_minor 8), before anything else.
    static func copyDescriptor(_ raw: UnsafePointer<rv_plugin_descriptor>, path: String) throws(PluginLoadError)
        -> UnsafeMutablePointer<rv_plugin_descriptor>
    {
        let header = UnsafeRawPointer(raw)
        let structSize = header.load(as: UInt32.self)
        let major = header.load(fromByteOffset: 4, as: UInt32.self)
        let minHostMinor = header.load(fromByteOffset: 8, as: UInt32.self)
        guard structSize >= 16 else {
            throw .descriptorMalformed(path: path, reason: "struct_size is \(structSize), smaller than the version header")
        }
        guard major == RV_ABI_MAJOR, minHostMinor <= HostAPI.minor else {
            throw .abiIncompatible(
                path: path, pluginMajor: major, pluginMinHostMinor: minHostMinor, hostMajor: RV_ABI_MAJOR, hostMinor: HostAPI.minor)
        }
        let copy = copyPadded(header, size: Int(structSize), as: rv_plugin_descriptor.self)
        let d = copy.pointee
        func fail(_ reason: String) -> PluginLoadError {
            copy.deallocate()
            return .descriptorMalformed(path: path, reason: reason)
        }
        guard let name = d.name, name.pointee != 0 else { throw fail("the plugin has no name") }
        if d.operator_count > 0 && d.operators == nil { throw fail("operator_count is \(d.operator_count) but operators is NULL") }
        if d.aggregate_count > 0 && d.aggregates == nil { throw fail("aggregate_count is \(d.aggregate_count) but aggregates is NULL") }
        if d.function_count > 0 && d.functions == nil { throw fail("function_count is \(d.function_count) but functions is NULL") }
        if d.operator_count + d.aggregate_count + d.function_count == 0 {
            throw fail("it declares no operators, aggregates or functions")
        }
        return copy
    }

    /// A zeroed host allocation of `T` holding the first min(size, sizeof T) bytes of `source`.
    static func copyPadded<T>(_ source: UnsafeRawPointer, size: Int, as type: T.Type) -> UnsafeMutablePointer<T> {
        let known = MemoryLayout<T>.size
        let raw = UnsafeMutableRawPointer.allocate(byteCount: known, alignment: MemoryLayout<T>.alignment)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: known)
        raw.copyMemory(from: source, byteCount: min(size, known))
        return raw.assumingMemoryBound(to: T.self)
    }

    static func operators(of d: rv_plugin_descriptor, path: String, owned: inout [UnsafeMutableRawPointer])
        throws(PluginLoadError) -> [OperatorInfo]
    {
        var result: [OperatorInfo] = []
        for i in 0..<Int(d.operator_count) {
            guard let raw = d.operators[i] else {
                throw .descriptorMalformed(path: path, reason: "operators[\(i)] is NULL")
            }
            let structSize = UnsafeRawPointer(raw).load(as: UInt32.self)
            let copy = copyPadded(UnsafeRawPointer(raw), size: Int(structSize), as: rv_operator_def.self)
            owned.append(UnsafeMutableRawPointer(copy))
            let def = copy.pointee
            guard let namePointer = def.name, namePointer.pointee != 0 else {
                throw .descriptorMalformed(path: path, reason: "operators[\(i)] has no name")
            }
            let name = String(cString: namePointer)
            let requiredSize = MemoryLayout<rv_operator_def>.offset(of: \rv_operator_def.process)! + 8
            guard Int(structSize) >= requiredSize else {
                throw .descriptorMalformed(
                    path: path, reason: "operator '\(name)': struct_size \(structSize) is too small (at least \(requiredSize))")
            }
            guard def.create != nil, def.destroy != nil, def.process != nil else {
                throw .descriptorMalformed(path: path, reason: "operator '\(name)' lacks create, destroy or process")
            }
            if result.contains(where: { $0.name == name }) {
                throw .descriptorMalformed(path: path, reason: "operator '\(name)' is declared twice")
            }
            let inputs = try ports(def.inputs, default: "in", path: path, what: "operator '\(name)' inputs")
            let outputs = try ports(def.outputs, default: "out", path: path, what: "operator '\(name)' outputs")
            if outputs.contains("errors") {
                throw .descriptorMalformed(path: path, reason: "operator '\(name)': output port name 'errors' is reserved for dead letters")
            }
            var keys: [ConfigKeyInfo] = []
            if def.config_key_count > 0 {
                guard let list = def.config_keys else {
                    throw .descriptorMalformed(
                        path: path, reason: "operator '\(name)': config_key_count is \(def.config_key_count) but config_keys is NULL")
                }
                for k in 0..<Int(def.config_key_count) {
                    guard let keyName = list[k].name else {
                        throw .descriptorMalformed(path: path, reason: "operator '\(name)': config_keys[\(k)] has no name")
                    }
                    keys.append(
                        ConfigKeyInfo(
                            name: String(cString: keyName), description: list[k].description.map { String(cString: $0) } ?? "",
                            type: list[k].type, required: list[k].required != 0))
                }
            }
            result.append(
                OperatorInfo(
                    name: name, description: def.description.map { String(cString: $0) } ?? "", inputs: inputs,
                    outputs: outputs, configKeys: keys, flags: def.flags, definition: UnsafePointer(copy)))
        }
        return result
    }

    static func ports(_ list: UnsafePointer<UnsafePointer<CChar>?>?, default name: String, path: String, what: String)
        throws(PluginLoadError) -> [String]
    {
        guard let list else { return [name] }
        var names: [String] = []
        var i = 0
        while let p = list[i] {
            let port = String(cString: p)
            if port.isEmpty || names.contains(port) {
                throw .descriptorMalformed(path: path, reason: "\(what): empty or duplicate port name '\(port)'")
            }
            names.append(port)
            i += 1
            if i > maxPorts { throw .descriptorMalformed(path: path, reason: "\(what): more than \(maxPorts) ports (missing NULL terminator?)") }
        }
        if names.isEmpty { throw .descriptorMalformed(path: path, reason: "\(what): the list is empty") }
        return names
    }

    static func aggregates(of d: rv_plugin_descriptor, path: String, owned: inout [UnsafeMutableRawPointer])
        throws(PluginLoadError) -> [AggregateInfo]
    {
        var result: [AggregateInfo] = []
        for i in 0..<Int(d.aggregate_count) {
            guard let raw = d.aggregates[i] else { throw .descriptorMalformed(path: path, reason: "aggregates[\(i)] is NULL") }
            let copy = copyPadded(UnsafeRawPointer(raw), size: Int(UnsafeRawPointer(raw).load(as: UInt32.self)), as: rv_aggregate_def.self)
            owned.append(UnsafeMutableRawPointer(copy))
            let def = copy.pointee
            guard let n = def.name else { throw .descriptorMalformed(path: path, reason: "aggregates[\(i)] has no name") }
            let name = String(cString: n)
            guard def.`init` != nil, def.add != nil, def.merge != nil, def.result != nil else {
                throw .descriptorMalformed(path: path, reason: "aggregate '\(name)' lacks init, add, merge or result")
            }
            result.append(
                AggregateInfo(
                    name: name, description: def.description.map { String(cString: $0) } ?? "",
                    accumulatorSize: Int(def.acc_size), definition: UnsafePointer(copy)))
        }
        return result
    }

    static func functions(of d: rv_plugin_descriptor, path: String, owned: inout [UnsafeMutableRawPointer])
        throws(PluginLoadError) -> [FunctionInfo]
    {
        var result: [FunctionInfo] = []
        for i in 0..<Int(d.function_count) {
            guard let raw = d.functions[i] else { throw .descriptorMalformed(path: path, reason: "functions[\(i)] is NULL") }
            let copy = copyPadded(UnsafeRawPointer(raw), size: Int(UnsafeRawPointer(raw).load(as: UInt32.self)), as: rv_function_def.self)
            owned.append(UnsafeMutableRawPointer(copy))
            let def = copy.pointee
            guard let n = def.name else { throw .descriptorMalformed(path: path, reason: "functions[\(i)] has no name") }
            let name = String(cString: n)
            guard def.call != nil else { throw .descriptorMalformed(path: path, reason: "function '\(name)' lacks call") }
            if def.arg_count > 0 && def.arg_types == nil {
                throw .descriptorMalformed(path: path, reason: "function '\(name)': arg_count is \(def.arg_count) but arg_types is NULL")
            }
            let args = (0..<Int(def.arg_count)).map { def.arg_types[$0] }
            result.append(
                FunctionInfo(
                    name: name, description: def.description.map { String(cString: $0) } ?? "", argTypes: args,
                    resultType: def.result_type, definition: UnsafePointer(copy)))
        }
        return result
    }
}
