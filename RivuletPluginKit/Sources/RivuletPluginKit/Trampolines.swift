// Trampolines: the C callbacks every Swift operator shares; they find the Swift object and never throw.
internal import CRivulet

/// C entry points of Swift operators. Each converts Swift errors into rivulet.h status codes and
/// reports their message; no error or exception ever crosses into the host.
enum Trampolines {
    static let create:
        @convention(c) (
            UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        ) -> rv_status = { api, ctx, out in
            guard let api, let ctx, let out, let data = api.pointee.user_data(ctx) else { return RV_FATAL }
            let factory = Unmanaged<OperatorFactory>.fromOpaque(data).takeUnretainedValue()
            let context = OperatorContext(api: api, ctx: ctx, outputCount: factory.type.outputs.count, declaredKeys: factory.type.configKeys)
            do {
                let op = try factory.type.init(context: context)
                out.pointee = Unmanaged.passRetained(InstanceBox(op: op, context: context)).toOpaque()
                return RV_OK
            } catch {
                return report(error, api, ctx)
            }
        }

    static let destroy: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?) -> Void = {
        _, _, instance in
        guard let instance else { return }
        Unmanaged<InstanceBox>.fromOpaque(instance).release()
    }

    static let process:
        @convention(c) (
            UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?, UInt32, UnsafePointer<rv_batch>?
        ) -> rv_status = { api, ctx, instance, port, batch in
            guard let api, let ctx, let instance, let batch else { return RV_FATAL }
            let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
            box.context.currentBatch = batch
            defer { box.context.currentBatch = nil }
            do {
                try box.op.process(Batch(raw: batch), port: Int(port), context: box.context)
                return RV_OK
            } catch {
                return report(error, api, ctx)
            }
        }

    static let flush: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?) -> rv_status = {
        api, ctx, instance in
        guard let api, let ctx, let instance else { return RV_FATAL }
        let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
        do {
            try box.op.flush(context: box.context)
            return RV_OK
        } catch {
            return report(error, api, ctx)
        }
    }

    static let onTimer:
        @convention(c) (
            UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?, UInt32, Int64, UnsafePointer<UInt8>?, UInt64
        ) -> rv_status = { api, ctx, instance, domain, time, key, length in
            guard let api, let ctx, let instance else { return RV_FATAL }
            let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
            let bytes = key.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? []
            do {
                try box.op.onTimer(TimeDomain(rawValue: domain) ?? .event, time: time, key: bytes, context: box.context)
                return RV_OK
            } catch {
                return report(error, api, ctx)
            }
        }

    static let onWatermark: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?, Int64) -> rv_status = {
        api, ctx, instance, watermark in
        guard let api, let ctx, let instance else { return RV_FATAL }
        let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
        do {
            try box.op.onWatermark(watermark, context: box.context)
            return RV_OK
        } catch {
            return report(error, api, ctx)
        }
    }

    /// Checkpoints: the operator's own state (`RivuletOperator.snapshot`), handed to the host's `write`.
    /// Writes nothing when the operator keeps no state of its own (nil or empty), so the host can tell.
    static let snapshot:
        @convention(c) (
            UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?,
            (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, UInt64) -> Void)?, UnsafeMutableRawPointer?
        ) -> rv_status = { api, ctx, instance, write, sink in
            guard let api, let ctx, let instance, let write else { return RV_FATAL }
            let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
            do {
                guard let state = try box.op.snapshot(context: box.context), !state.isEmpty else { return RV_OK }
                state.withUnsafeBufferPointer { write(sink, $0.baseAddress, UInt64($0.count)) }
                return RV_OK
            } catch {
                return report(error, api, ctx)
            }
        }

    /// Checkpoints: gives the operator back the bytes its `snapshot` returned.
    static let restore:
        @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, UInt64) -> rv_status = {
            api, ctx, instance, bytes, length in
            guard let api, let ctx, let instance else { return RV_FATAL }
            let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
            let state = bytes.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? []
            do {
                try box.op.restore(state, context: box.context)
                return RV_OK
            } catch {
                return report(error, api, ctx)
            }
        }

    /// Reports `error` to the host and returns the status that matches it: `RecordError` → RV_ERROR (a
    /// dead letter), `RetryLater` → RV_RETRY, `HostStatus` → the service's status, unreported (the host's
    /// message then names it and its `last_error`), anything else → RV_FATAL with the error's description.
    static func report(_ error: Error, _ api: UnsafePointer<rv_host_api>, _ ctx: OpaquePointer) -> rv_status {
        switch error {
        case let e as RecordError:
            api.pointee.report_error(ctx, RV_ERROR, Int64(e.index), e.message)
            return RV_ERROR
        case let e as RetryLater:
            api.pointee.report_error(ctx, RV_RETRY, Int64(e.index), e.message)
            return RV_RETRY
        case let e as HostStatus:
            return e.status == RV_OK ? RV_FATAL : e.status
        default:
            api.pointee.report_error(ctx, RV_FATAL, -1, "\(error)")
            return RV_FATAL
        }
    }
}
