// LibraryHooks: the library-wide initializer and finalizer a Swift plugin gave PluginExport, and their C callbacks.
internal import CRivulet

/// The closures passed to `PluginExport.descriptor(…, initialize:, finalize:)`. Each plugin library links
/// its own copy of the SDK, so these are the library's own. Set once, while the descriptor is built (under
/// PluginExport's lock, before the host can call them); read by the host's thread in init and fini.
enum LibraryHooks {
    nonisolated(unsafe) static var initialize: ((LibraryContext) throws -> Void)?
    nonisolated(unsafe) static var finalize: (() -> Void)?

    /// The descriptor's `init`: runs `initialize`; a thrown error refuses the library with its message.
    static let initCallback: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?) -> rv_status = { api, ctx in
        guard let api, let ctx else { return RV_FATAL }
        do {
            try initialize?(LibraryContext(api: api, ctx: ctx))
            return RV_OK
        } catch is HostStatus {
            return RV_FATAL
        } catch {
            api.pointee.report_error(ctx, RV_FATAL, -1, "\(error)")
            return RV_FATAL
        }
    }

    /// The descriptor's `fini`.
    static let finiCallback: @convention(c) (UnsafePointer<rv_host_api>?, OpaquePointer?) -> Void = { _, _ in
        finalize?()
    }
}
