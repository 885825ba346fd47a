// LookupError: a failed lookup in an external store, with the server and the reason.

public struct LookupError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
