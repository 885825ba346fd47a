// PlannedNode: one node of the planned topology: its role, instances, ports, schemas and tasks.
import RivuletCore
import RivuletExecution
import RivuletManifest

/// A manifest node after planning: how many instances it has, what each port carries, which task runs
/// each instance. Used to wire edges and by `rivulet describe`.
public final class PlannedNode {
    public enum Role: String, Sendable { case source, `operator`, sink }

    public let name: String
    public let role: Role
    public let parallelism: Int
    public let location: SourceLocation
    /// A short description of what it is ("file payments.csv (csv)", "rv_std_c/mask_card", "ffi crc32_z").
    public let kind: String
    public internal(set) var inputPorts: [String] = []
    public internal(set) var inputSchemas: [String: Schema] = [:]
    public internal(set) var outputPorts: [String] = []
    public internal(set) var outputSchemas: [String: Schema] = [:]
    /// One per instance.
    public internal(set) var instances: [StreamOperator] = []
    /// For each instance, its output ports by name (sources have none: their task's head has the edges).
    var outputsByInstance: [[String: OutputPort]] = []
    /// A source: what its task reads, how its records are timestamped, where they go. Nil for other nodes.
    var source: SourceHead?
    /// For each instance, what it received (sources: empty; their task counts what they read).
    public internal(set) var metrics: [InstanceMetrics] = []
    /// For each instance, the task that runs it.
    public internal(set) var taskIDs: [Int] = []
    /// For each instance, the edges to other tasks its outputs feed (they carry the end of the stream after it).
    var outgoingEdges: [[Edge]] = []
    var deadLetterRoutes: [DeadLetterRoute] = []
    /// A parallel node partitions its input by this field's value (window `key_by`); nil: by record key.
    var partitionField: Int?
    /// Whether it may run on its upstream's thread (`chain: false` in the manifest: never).
    var chains = true

    init(name: String, role: Role, parallelism: Int, location: SourceLocation, kind: String) {
        self.name = name
        self.role = role
        self.parallelism = parallelism
        self.location = location
        self.kind = kind
        outgoingEdges = Array(repeating: [], count: parallelism)
    }
}

/// A ring between two tasks, for `rivulet describe` and ring metrics.
public struct PlannedRing {
    public let from: String
    public let to: String
    public let capacity: Int
    public let edge: RingEdge
}
