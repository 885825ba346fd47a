// HostStatus: a host service answered something other than OK; the host already knows why.

/// A host service refused a call (an invalid argument, no such store, a failing sink downstream…). The
/// host has recorded its own message, so the SDK ends the callback with `RV_FATAL` without overwriting
/// it: the run stops with the host's explanation. Catch it only to try something else.
public struct HostStatus: Error, CustomStringConvertible {
    /// The status the host returned (RV_* of rivulet.h: 4 unsupported, 5 not found, 6 invalid, 3 fatal…).
    public let status: Int32
    /// The host service that answered.
    public let service: String

    public init(status: Int32, service: String) {
        self.status = status
        self.service = service
    }

    public var description: String {
        let name = [1: "RV_RETRY", 2: "RV_ERROR", 3: "RV_FATAL", 4: "RV_UNSUPPORTED", 5: "RV_NOT_FOUND", 6: "RV_INVALID"][status] ?? "status"
        return "host service \(service) answered \(name) (\(status))"
    }
}
