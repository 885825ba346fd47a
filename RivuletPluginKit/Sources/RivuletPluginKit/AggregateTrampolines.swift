// AggregateTrampolines: the C callbacks of Swift aggregates; they reach the Swift type through user_data.
internal import CRivulet

/// C entry points of Swift aggregates. Any failure is RV_FATAL with a message: an aggregate has no
/// per-record dead-letter path (its state would be wrong).
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

    static let result: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeRawPointer?, UnsafeMutablePointer<rv_field>?) -> rv_status =
        {
            api, ctx, acc, out in
            guard let factory = factory(api, ctx), let acc, let out else { return RV_FATAL }
            guard let f = factory.result(acc).scalarField else {
                api?.pointee.report_error(ctx, RV_FATAL, -1, "a Swift aggregate cannot return a string or bytes")
                return RV_FATAL
            }
            out.pointee = f
            return RV_OK
        }
}
