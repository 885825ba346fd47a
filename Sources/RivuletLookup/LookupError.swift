// LookupError: a failed lookup in an external store, with the server and the reason.

public struct LookupError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The server refused us (authentication, TLS verification): retrying cannot help, so the run fails
    /// instead of dead-lettering every record.
    public let isRejection: Bool
    public init(_ message: String, rejection: Bool = false) {
        self.message = message
        isRejection = rejection
    }
    public var description: String { message }
}
