// OperatorSpec: an operator node of the topology, as declared under `operators`.

/// An operator: transforms the records arriving on its input ports. Besides its own output ports, every
/// operator has the output port `errors`, carrying the records it failed on.
public struct OperatorSpec: Sendable, Hashable {
    /// The node name (unique across sources, operators and sinks).
    public var name: String
    /// What the operator runs.
    public var kind: OperatorKind
    /// The operator's configuration, flattened (plugin operators only; empty otherwise).
    public var config: [ConfigEntry]
    /// The same configuration with its structure: one JSON object (what `config_get(ctx, "")` answers).
    public var configJSON = "{}"
    /// How many instances run in parallel (default 1).
    public var parallelism: Int
    /// Whether the operator may run on its upstream's thread (operator chaining, default true). False
    /// gives it a thread of its own fed by a ring: a pipeline across cores (Flink's disableChaining).
    public var chain: Bool
    /// The state stores (declared under `stores`) the operator may open, by name.
    public var stores: [String] = []
    /// Where the operator's name is written.
    public var location: SourceLocation

    /// Creates an operator declaration.
    public init(
        name: String, kind: OperatorKind, config: [ConfigEntry] = [], parallelism: Int = 1,
        chain: Bool = true, location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.config = config
        self.parallelism = parallelism
        self.chain = chain
        self.location = location
    }
}
