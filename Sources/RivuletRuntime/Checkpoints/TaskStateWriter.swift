// TaskStateWriter: writes one task's state into a checkpoint folder: its source position, operators and stores.
import Foundation
import RivuletCore
import RivuletExecution
import RivuletSnapshot

/// Knows where each operator instance and source lives in a checkpoint folder, and writes a task's part:
/// - `sources/<node>.position`: replayable flag, the source's position, its largest timestamp;
/// - `operators/<node>#<i>.state`: an `OperatorSnapshot` of instance i of every `CheckpointedOperator`;
/// - the task's stores (`ExecutionPlan.snapshotStores`).
/// Returns the files written with the node each belongs to.
struct TaskStateWriter {
    /// Node name and instance index of every operator instance, by identity.
    let instances: [ObjectIdentifier: (node: String, index: Int)]
    /// The source node of each source task.
    let sources: [Int: String]
    /// Every instance's output ports: flushed before it is saved, so what it emitted before the barrier
    /// reaches its consumers (fused ones are saved after it; ring edges carry it ahead of the barrier).
    let ports: [ObjectIdentifier: [OutputPort]]

    init(plan: ExecutionPlan) {
        var instances: [ObjectIdentifier: (node: String, index: Int)] = [:]
        var sources: [Int: String] = [:]
        var ports: [ObjectIdentifier: [OutputPort]] = [:]
        for node in plan.nodes {
            if node.source != nil { sources[node.taskIDs[0]] = node.name }
            for (i, instance) in node.instances.enumerated() {
                instances[ObjectIdentifier(instance)] = (node.name, i)
                if i < node.outputsByInstance.count { ports[ObjectIdentifier(instance)] = Array(node.outputsByInstance[i].values) }
            }
        }
        self.instances = instances
        self.sources = sources
        self.ports = ports
    }

    static func sourceFile(_ node: String) -> String { "sources/\(node).position" }
    static func operatorFile(_ node: String, _ instance: Int) -> String { "operators/\(node)#\(instance).state" }

    func write(_ task: ExecutionTask, checkpoint id: UInt64, into directory: String, plan: ExecutionPlan) throws -> [String: String] {
        var owners: [String: String] = [:]
        if case .source(let head) = task.head, let node = sources[task.id] {
            var w = SnapshotWriter()
            if let source = head.source as? CheckpointedSource, source.isReplayable {
                w.write(true)
                var position = SnapshotWriter()
                try source.snapshotPosition(into: &position)
                (source as? CommittingSource)?.positionSaved(checkpoint: id)
                w.write(bytes: position.bytes)
            } else {
                w.write(false)
                w.write(bytes: [])
            }
            w.write(head.time.maxTimestamp)
            let file = Self.sourceFile(node)
            try save([w.bytes], directory, file)
            owners[file] = node
        }
        for op in task.operators {
            for port in ports[ObjectIdentifier(op)] ?? [] {
                do { try port.flush() } catch { throw CheckpointFailure("\(op.name): cannot pass on its output before the barrier: \(error)") }
            }
            guard let checkpointed = op as? CheckpointedOperator, let (node, index) = instances[ObjectIdentifier(op)] else { continue }
            var snapshot = OperatorSnapshot()
            do {
                try checkpointed.snapshotState(into: &snapshot, checkpoint: id)
            } catch {
                throw CheckpointFailure("\(node)\(index > 0 ? "#\(index)" : ""): cannot save its state: \(error)")
            }
            let file = Self.operatorFile(node, index)
            let encoded = snapshot.encodedParts()
            plan.changelogs[ObjectIdentifier(op)]?.saved(checkpoint: id, snapshot: encoded.head + encoded.keyed)
            try save([encoded.head, encoded.keyed], directory, file)
            owners[file] = node
        }
        _ = try plan.snapshotStores(ofTask: task.id, into: directory)
        return owners
    }

    /// Writes `parts` into the file `relative`, unsynced: the coordinator fsyncs every file of the
    /// checkpoint when it completes it, off this task's thread.
    private func save(_ parts: [[UInt8]], _ directory: String, _ relative: String) throws {
        let path = "\(directory)/\(relative)"
        let folder = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw CheckpointFailure("cannot create \(folder): \(error.localizedDescription)")
        }
        try Self.withBuffers(parts[...]) { try FileSync.write(parts: $0, to: path, sync: false) }
    }

    /// Calls `body` with a raw view of every array in `arrays`, in order.
    private static func withBuffers<R>(
        _ arrays: ArraySlice<[UInt8]>, _ views: [UnsafeRawBufferPointer] = [], _ body: ([UnsafeRawBufferPointer]) throws -> R
    ) rethrows -> R {
        guard let first = arrays.first else { return try body(views) }
        return try first.withUnsafeBytes { try withBuffers(arrays.dropFirst(), views + [$0], body) }
    }
}
