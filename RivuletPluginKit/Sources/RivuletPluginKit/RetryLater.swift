// RetryLater: thrown for a transient failure; the host calls process again from a record (RV_RETRY).

/// A transient failure: the host pauses, then calls `process` again from record `index` (5 consecutive
/// retries of the same record fail the run). Records before it must already be emitted.
public struct RetryLater: Error, CustomStringConvertible {
    public let index: Int
    public let message: String

    public init(index: Int, _ message: String) {
        self.index = index
        self.message = message
    }

    public var description: String { "retry from record \(index): \(message)" }
}
