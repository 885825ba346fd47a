// StoreError: why a state store operation failed, naming the store.

/// A failed store operation. Messages name the store and what to change.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let store: String
    public let message: String

    public init(store: String, _ message: String) {
        self.store = store
        self.message = message
    }

    public var description: String { "store '\(store)': \(message)" }
}
