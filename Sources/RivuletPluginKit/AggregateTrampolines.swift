// AggregateTrampolines: the C callbacks of Swift aggregates; they reach the Swift type through user_data.

/// What the trampolines of one Swift aggregate type call, with the accumulator type erased. Held by the
/// definition's `user_data` for the life of the process.
final class AggregateFactory {
    let initialize: (UnsafeMutableRawPointer) -> Void
    let add: (UnsafeMutableRawPointer, rv_field) throws -> Void
    let merge: (UnsafeMutableRawPointer, UnsafeRawPointer) -> Void
    let result: (UnsafeRawPointer) -> FieldValue

    init<A: RivuletAggregate>(_ type: A.Type) {
        // The host hands 16-byte-aligned accumulators of MemoryLayout<A.Accumulator>.size bytes.
        initialize = { $0.initializeMemory(as: A.Accumulator.self, repeating: A.initial(), count: 1) }
        add = { acc, field in try A.add(&acc.assumingMemoryBound(to: A.Accumulator.self).pointee, AggregateInput(raw: field)) }
        merge = { acc, other in A.merge(&acc.assumingMemoryBound(to: A.Accumulator.self).pointee, other.load(as: A.Accumulator.self)) }
        result = { A.result($0.load(as: A.Accumulator.self)) }
    }
}

enum AggregateTrampolines {
    static func factory(_ api: UnsafePointer<rv_host_api>?, _ ctx: OpaquePointer?) -> AggregateFactory? {
        guard let api, let ctx, let data = api.pointee.user_data(ctx) else { return nil }
        return Unmanaged<AggregateFactory>.fromOpaque(data).takeUnretainedValue()
    }

    static let initialize: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?) -> rv_status = {
        api, ctx, acc in
        guard let factory = factory(api, ctx), let acc else { return RV_FATAL }
        factory.initialize(acc)
        return RV_OK
    }

    static let add: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<rv_field>?) -> rv_status = {
        api, ctx, acc, value in
        guard let factory = factory(api, ctx), let acc, let value, let api, let ctx else { return RV_FATAL }
        do {
            try factory.add(acc, value.pointee)
            return RV_OK
        } catch {
            api.pointee.report_error(ctx, RV_FATAL, -1, "\(error)")
            return RV_FATAL
        }
    }

    static let merge: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?, UnsafeRawPointer?) -> rv_status = {
        api, ctx, acc, other in
        guard let factory = factory(api, ctx), let acc, let other else { return RV_FATAL }
        factory.merge(acc, other)
        return RV_OK
    }

    static let result: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeRawPointer?, UnsafeMutablePointer<rv_field>?) -> rv_status = {
        api, ctx, acc, out in
        guard let factory = factory(api, ctx), let acc, let out else { return RV_FATAL }
        var f = rv_field()
        switch factory.result(acc) {
        case .null: break
        case .int(let v): f.type = FieldKind.i64.rawValue; f.value.i64 = v
        case .double(let v): f.type = FieldKind.f64.rawValue; f.value.f64 = v
        case .bool(let v): f.type = FieldKind.bool.rawValue; f.value.i64 = v ? 1 : 0
        case .timestamp(let v): f.type = FieldKind.timestamp.rawValue; f.value.i64 = v
        case .string, .bytes:
            api?.pointee.report_error(ctx, RV_FATAL, -1, "a Swift aggregate cannot return a string or bytes")
            return RV_FATAL
        }
        out.pointee = f
        return RV_OK
    }
}
