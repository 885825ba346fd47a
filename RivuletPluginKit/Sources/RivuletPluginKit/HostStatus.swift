// HostStatus: a host service answered something other than OK, with the host's reason (last_error, ABI 1.2).
internal import CRivulet

/// A host service refused a call (an invalid argument, no such store, a failing sink downstream…). Thrown
/// out of a callback, it ends it with the service's status, unreported: the host's message then names the
/// status and its own reason (`last_error`), as for a C plugin that returns a service's status. Catch it
/// only to try something else.
public struct HostStatus: Error, CustomStringConvertible {
    /// The status the host returned (RV_* of rivulet.h: 4 unsupported, 5 not found, 6 invalid, 3 fatal…).
    public let status: Int32
    /// The host service that answered.
    public let service: String
    /// The host's reason (`last_error`), when the host has that slot (ABI 1.2) and gave one.
    public let reason: String?

    public init(status: Int32, service: String, reason: String? = nil) {
        self.status = status
        self.service = service
        self.reason = reason
    }

    /// The failure of `service` just answered on `ctx`, with the host's `last_error` when it has the slot.
    init(status: Int32, service: String, api: UnsafePointer<rv_host_api>, ctx: OpaquePointer) {
        var reason: String? = nil
        let end = MemoryLayout<rv_host_api>.offset(of: \rv_host_api.last_error)! + MemoryLayout<UnsafeRawPointer>.size
        if Int(api.pointee.struct_size) >= end, let lastError = api.pointee.last_error, let text = lastError(ctx) {
            reason = String(cString: text)
        }
        self.init(status: status, service: service, reason: reason)
    }

    public var description: String {
        let name = [1: "RV_RETRY", 2: "RV_ERROR", 3: "RV_FATAL", 4: "RV_UNSUPPORTED", 5: "RV_NOT_FOUND", 6: "RV_INVALID"][status] ?? "status"
        return "host service \(service) answered \(name) (\(status))" + (reason.map { ": \($0)" } ?? "")
    }
}
