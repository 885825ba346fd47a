// PluginExport: builds the C descriptor of a Swift plugin library from its operator, aggregate and function types.
internal import CRivulet
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Turns Swift operator, aggregate and function types into the `rv_plugin_descriptor` the host reads. A
/// Swift plugin library exports its entry with three lines:
///
///     @_cdecl("rivulet_plugin_v1")
///     public func rivuletPluginV1() -> UnsafeRawPointer {
///         PluginExport.descriptor(name: "my_plugin", version: "1.0.0", operators: [MyOperator.self])
///     }
///
/// (The function must be `public`: an internal `@_cdecl` is hidden in release builds.)
/// The descriptor and every string it points to are built once and live until the process ends.
public enum PluginExport {
    /// Descriptors built so far, by plugin name (their addresses).
    private static let built = Mutex<[String: UInt]>([:])

    /// The descriptor of the library `name`: its operators, aggregates and functions, and optionally a
    /// library-wide `initialize` (once per loaded library, before any operator is created: read the
    /// plugin-wide `config`; throw to refuse the library with the error's description) and `finalize`
    /// (after the last instance is destroyed).
    public static func descriptor(
        name: String, version: String, summary: String = "", operators: [any RivuletOperator.Type],
        aggregates: [any RivuletAggregate.Type] = [], functions: [any RivuletFunction.Type] = [],
        initialize: ((LibraryContext) throws -> Void)? = nil, finalize: (() -> Void)? = nil
    ) -> UnsafeRawPointer {
        let address = built.withLock { built -> UInt in
            if let d = built[name] { return d }
            let d = UnsafeMutablePointer<rv_plugin_descriptor>.allocate(capacity: 1)
            var descriptor = rv_plugin_descriptor()
            descriptor.struct_size = UInt32(MemoryLayout<rv_plugin_descriptor>.size)
            descriptor.abi_major = RV_ABI_MAJOR
            // The oldest host the plugin needs: the SDK calls no slot newer than 1.0 without checking the host
            // has it (`hostEmitsBatches`), so Swift plugins load in 1.0 hosts too.
            descriptor.min_host_minor = 0
            descriptor.name = UnsafePointer(strdup(name))
            descriptor.version = UnsafePointer(strdup(version))
            descriptor.description = UnsafePointer(strdup(summary))
            descriptor.operators = list(operators.map { UnsafePointer(makeDefinition($0)) })
            descriptor.operator_count = UInt64(operators.count)
            if !aggregates.isEmpty {
                descriptor.aggregates = list(aggregates.map { UnsafePointer(makeAggregate($0)) })
                descriptor.aggregate_count = UInt64(aggregates.count)
            }
            if !functions.isEmpty {
                descriptor.functions = list(functions.map { UnsafePointer(makeFunction($0)) })
                descriptor.function_count = UInt64(functions.count)
            }
            if let initialize {
                LibraryHooks.initialize = initialize
                descriptor.`init` = LibraryHooks.initCallback
            }
            if let finalize {
                LibraryHooks.finalize = finalize
                descriptor.fini = LibraryHooks.finiCallback
            }
            d.initialize(to: descriptor)
            built[name] = UInt(bitPattern: d)
            return UInt(bitPattern: d)
        }
        return UnsafeRawPointer(bitPattern: address)!
    }

    /// A C array of `items` that lives for the rest of the process.
    private static func list<T>(_ items: [UnsafePointer<T>]) -> UnsafePointer<UnsafePointer<T>?> {
        let p = UnsafeMutablePointer<UnsafePointer<T>?>.allocate(capacity: max(1, items.count))
        for (i, item) in items.enumerated() { p[i] = item }
        return UnsafePointer(p)
    }

    private static func cStrings(_ names: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
        let list = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: names.count + 1)
        for (i, n) in names.enumerated() { list[i] = UnsafePointer(strdup(n)) }
        list[names.count] = nil
        return UnsafePointer(list)
    }

    private static func makeAggregate<A: RivuletAggregate>(_ type: A.Type) -> UnsafeMutablePointer<rv_aggregate_def> {
        var def = rv_aggregate_def()
        def.struct_size = UInt32(MemoryLayout<rv_aggregate_def>.size)
        def.acc_size = UInt32(max(1, MemoryLayout<A.Accumulator>.size))
        def.name = UnsafePointer(strdup(type.name))
        def.description = UnsafePointer(strdup(type.summary))
        def.user_data = UnsafeRawPointer(Unmanaged.passRetained(AggregateFactory(type)).toOpaque())
        def.input_type = type.inputKind.rawValue
        def.result_type = type.resultKind.rawValue
        def.`init` = AggregateTrampolines.initialize
        def.add = AggregateTrampolines.add
        def.merge = AggregateTrampolines.merge
        def.result = AggregateTrampolines.result
        let p = UnsafeMutablePointer<rv_aggregate_def>.allocate(capacity: 1)
        p.initialize(to: def)
        return p
    }

    private static func makeFunction(_ type: any RivuletFunction.Type) -> UnsafeMutablePointer<rv_function_def> {
        var def = rv_function_def()
        def.struct_size = UInt32(MemoryLayout<rv_function_def>.size)
        def.result_type = type.resultKind.rawValue
        def.name = UnsafePointer(strdup(type.name))
        def.description = UnsafePointer(strdup(type.summary))
        let kinds = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, type.argumentKinds.count))
        for (i, k) in type.argumentKinds.enumerated() { kinds[i] = k.rawValue }
        def.arg_types = UnsafePointer(kinds)
        def.arg_count = UInt64(type.argumentKinds.count)
        def.user_data = UnsafeRawPointer(Unmanaged.passRetained(FunctionFactory(type)).toOpaque())
        def.call = FunctionTrampolines.call
        let p = UnsafeMutablePointer<rv_function_def>.allocate(capacity: 1)
        p.initialize(to: def)
        return p
    }

    private static func makeDefinition(_ type: any RivuletOperator.Type) -> UnsafeMutablePointer<rv_operator_def> {
        var def = rv_operator_def()
        def.struct_size = UInt32(MemoryLayout<rv_operator_def>.size)
        def.flags = type.isStateless ? RV_OPERATOR_STATELESS : 0
        def.name = UnsafePointer(strdup(type.name))
        def.description = UnsafePointer(strdup(type.summary))
        def.inputs = cStrings(type.inputs)
        def.outputs = cStrings(type.outputs)
        let keys = UnsafeMutablePointer<rv_config_key>.allocate(capacity: max(1, type.configKeys.count))
        for (i, k) in type.configKeys.enumerated() {
            keys[i] = rv_config_key(
                name: UnsafePointer(strdup(k.name)), description: UnsafePointer(strdup(k.description)),
                type: k.type.rawValue, required: k.required ? 1 : 0)
        }
        def.config_keys = UnsafePointer(keys)
        def.config_key_count = UInt64(type.configKeys.count)
        def.user_data = UnsafeRawPointer(Unmanaged.passRetained(OperatorFactory(type)).toOpaque())
        def.create = Trampolines.create
        def.destroy = Trampolines.destroy
        def.process = Trampolines.process
        def.flush = Trampolines.flush
        def.on_timer = Trampolines.onTimer
        def.on_watermark = Trampolines.onWatermark
        // Always set: the host decides by the bytes written whether an instance has state of its own.
        def.snapshot = Trampolines.snapshot
        def.restore = Trampolines.restore
        let p = UnsafeMutablePointer<rv_operator_def>.allocate(capacity: 1)
        p.initialize(to: def)
        return p
    }
}
