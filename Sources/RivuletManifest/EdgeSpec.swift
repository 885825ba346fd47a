// EdgeSpec: a connection from one node's output port to another node's input port.

/// An edge of the topology, as written in `edges` ("FROM -> TO").
public struct EdgeSpec: Sendable, Hashable, CustomStringConvertible {
    /// The output port records leave from.
    public var from: Endpoint
    /// The input port records arrive at.
    public var to: Endpoint
    /// Where the edge's string is written.
    public var location: SourceLocation

    /// Creates an edge.
    public init(from: Endpoint, to: Endpoint, location: SourceLocation) {
        self.from = from
        self.to = to
        self.location = location
    }

    /// `from.port -> to.port`, with the default ports filled in.
    public var description: String { "\(from) -> \(to)" }
}
