// PlanError: a topology that cannot run, located at the manifest element that is wrong.
import RivuletManifest

/// Why a valid-looking manifest cannot be planned: a plugin that does not load, an operator or port that
/// does not exist, a field that is not in the input, incompatible schemas. Located like manifest errors.
public struct PlanError: Error, CustomStringConvertible, Sendable {
    public let location: SourceLocation?
    public let message: String

    public init(_ location: SourceLocation?, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String {
        if let location { return "\(location): error: \(message)" }
        return "error: \(message)"
    }
}
