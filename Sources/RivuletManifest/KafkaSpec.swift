// KafkaSpec: the manifest's `kafka:` section: the cluster and client properties every Kafka node shares.

/// `kafka: { bootstrap_servers: host:9092, properties: { … } }`: what Kafka sources and sinks share
/// (each may override it). `--set kafka.bootstrap_servers=…` points a manifest at another cluster.
public struct KafkaSpec: Sendable, Hashable {
    public var bootstrapServers: String?
    /// Passed to every Kafka client of the run, before the node's own `properties`.
    public var properties: [KafkaProperty]
    public var location: SourceLocation
    public var guarantee: ProcessingGuarantee = .atLeastOnce
    /// Where `processing_guarantee` is written (nil: not written).
    public var guaranteeLocation: SourceLocation?

    public init(bootstrapServers: String?, properties: [KafkaProperty], location: SourceLocation) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
        self.location = location
    }
}
