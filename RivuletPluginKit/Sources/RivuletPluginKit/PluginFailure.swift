// PluginFailure: an error with a message, for a failed create or anything fatal (RV_FATAL).

/// A failure with a message: thrown from `init(context:)` it fails create; from any other callback it
/// stops the run. The host prints the message.
public struct PluginFailure: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
