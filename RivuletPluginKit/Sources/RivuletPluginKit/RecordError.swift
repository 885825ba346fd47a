// RecordError: thrown to dead-letter one record of the batch being processed (RV_ERROR).

/// Dead-letters record `index` of the batch being processed, with `message` as the reason; the host then
/// calls `process` again with the records after it. Records before it must already be emitted — they are
/// when you emit as you go, and the SDK's batch emits send the rows built before the throw first.
public struct RecordError: Error, CustomStringConvertible {
    public let index: Int
    public let message: String

    public init(index: Int, _ message: String) {
        self.index = index
        self.message = message
    }

    public var description: String { "record \(index): \(message)" }
}
