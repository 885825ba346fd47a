// InputChannel: the consumer end of a ring edge: the ring and the operator input port it feeds.
import RivuletCore

/// One input of a task fed by another task: the ring a `RingEdge` pushes into, and the input port of the
/// task's head operator its batches are for. Read by the consumer task's thread only.
public struct InputChannel {
    public let ring: SPSCRing<StreamElement>
    public let port: Int
    /// The edge's name ("mask.out -> to_eur.in").
    public let name: String
    /// After this long (ms) without an element, the input is idle and does not hold back the watermark
    /// (the smallest `idle_timeout` of the sources upstream); nil: never.
    public let idleTimeout: Int64?

    public init(ring: SPSCRing<StreamElement>, port: Int, name: String, idleTimeout: Int64?) {
        self.ring = ring
        self.port = port
        self.name = name
        self.idleTimeout = idleTimeout
    }
}
