// PluginStatus: an rv_status with its rivulet.h name, for the messages the host prints.
import CRivulet

/// A status code of rivulet.h (`rv_status`), as a value that prints its name: messages say "process
/// returned RV_INVALID", never "status 6". Values rivulet.h does not define print as such.
public struct PluginStatus: RawRepresentable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: rv_status

    public init(rawValue: rv_status) { self.rawValue = rawValue }
    public init(_ rawValue: rv_status) { self.rawValue = rawValue }

    /// `RV_OK` … `RV_INVALID`, or "status N (not an rv_status)".
    public var description: String {
        switch rawValue {
        case RV_OK: "RV_OK"
        case RV_RETRY: "RV_RETRY"
        case RV_ERROR: "RV_ERROR"
        case RV_FATAL: "RV_FATAL"
        case RV_UNSUPPORTED: "RV_UNSUPPORTED"
        case RV_NOT_FOUND: "RV_NOT_FOUND"
        case RV_INVALID: "RV_INVALID"
        default: "status \(rawValue) (not an rv_status)"
        }
    }
}
