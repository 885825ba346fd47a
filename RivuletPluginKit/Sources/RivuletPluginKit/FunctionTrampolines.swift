// FunctionTrampolines: the C callback of Swift scalar functions; it reaches the Swift type through user_data.
internal import CRivulet

/// The C entry point of Swift functions: `RecordError` → RV_ERROR (this record only), anything else →
/// RV_FATAL, each with its message.
enum FunctionTrampolines {
    static let call:
        @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?, UnsafePointer<rv_field>?, UInt64, UnsafeMutablePointer<rv_field>?)
            -> rv_status = { api, ctx, args, count, out in
                guard let api, let ctx, let out, let data = api.pointee.user_data(ctx) else { return RV_FATAL }
                let type = Unmanaged<FunctionFactory>.fromOpaque(data).takeUnretainedValue().type
                let arguments = (0..<Int(count)).map { FieldInput(raw: args![$0]) }
                do {
                    guard let f = try type.call(arguments).scalarField else {
                        api.pointee.report_error(ctx, RV_FATAL, -1, "function \(type.name): a Swift function cannot return a string or bytes")
                        return RV_FATAL
                    }
                    out.pointee = f
                    return RV_OK
                } catch let e as RecordError {
                    api.pointee.report_error(ctx, RV_ERROR, -1, e.message)
                    return RV_ERROR
                } catch {
                    api.pointee.report_error(ctx, RV_FATAL, -1, "\(error)")
                    return RV_FATAL
                }
            }
}
