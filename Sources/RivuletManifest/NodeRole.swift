// NodeRole: whether a node of the topology is a source, an operator or a sink.

/// The role of a node in the topology graph.
public enum NodeRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Produces records; has the single output port "out" and no input.
    case source
    /// Transforms records; its ports are defined by its plugin (plus the output "errors").
    case `operator`
    /// Consumes records; has the single input port "in" and no output.
    case sink

    /// "source", "operator" or "sink".
    public var description: String { rawValue }

    /// The role with its indefinite article, for messages: "a source", "an operator", "a sink".
    var withArticle: String { self == .operator ? "an operator" : "a \(rawValue)" }
}
