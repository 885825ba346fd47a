// KafkaProperty: one librdkafka property as written under `properties:`, with where it is written.

/// A librdkafka property (`compression.type: lz4`) passed through to the client; the planner checks it
/// with librdkafka and reports a refusal at `location`.
public struct KafkaProperty: Sendable, Hashable {
    public var name: String
    public var value: String
    public var location: SourceLocation

    public init(name: String, value: String, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}
