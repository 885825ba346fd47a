// Endpoint: one end of an edge: a node and one of its ports.

/// A node's port. Written `node` or `node.port`; the default port is "out" at the start of an edge and
/// "in" at its end, and is always filled in here.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The node's name.
    public var node: String
    /// The port's name.
    public var port: String

    /// Creates an endpoint.
    public init(node: String, port: String) {
        self.node = node
        self.port = port
    }

    /// `node.port`.
    public var description: String { "\(node).\(port)" }
}
