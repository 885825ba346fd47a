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
    /// How many instances run in parallel (default 1).
    public var parallelism: Int
    /// Where the operator's name is written.
    public var location: SourceLocation

    /// Creates an operator declaration.
    public init(name: String, kind: OperatorKind, config: [ConfigEntry] = [], parallelism: Int = 1,
                location: SourceLocation)
    {
        self.name = name
        self.kind = kind
        self.config = config
        self.parallelism = parallelism
        self.location = location
    }
}
