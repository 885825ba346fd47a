// CheckpointRestorer: puts a planned topology back in the state a checkpoint recorded, matching operators by name.
import Foundation
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// Restores a plan from a complete checkpoint before it runs: every source goes back to its position
/// (and its largest timestamp, so lateness is judged as before), every `CheckpointedOperator` instance gets
/// its state — split by key group when the parallelism changed — and tasks whose every node had finished
/// do not run again. Operators are matched by name: state of a node the manifest no longer has is refused
/// unless `allowNonRestoredState`; a node new to the manifest starts empty.
public struct CheckpointRestorer {
    let plan: ExecutionPlan
    let point: RestorePoint
    let allowNonRestoredState: Bool

    /// What was restored, for the message at start.
    public struct Summary: Sendable {
        public var id: UInt64
        public var path: String
        public var bytes: Int64
        public var operators = 0
        public var keyedEntries = 0
        public var sources = 0
        public var final: Bool
    }

    func restore() throws -> Summary {
        let metadata = point.metadata
        guard metadata.maxParallelism == plan.manifest.maxParallelism else {
            throw CheckpointFailure(
                "checkpoint \(metadata.id) (\(point.directory)) was taken with max_parallelism \(metadata.maxParallelism), the manifest now says "
                    + "\(plan.manifest.maxParallelism): keyed state cannot move between key group layouts; set max_parallelism back to \(metadata.maxParallelism)"
            )
        }
        let withState = Set(metadata.files.compactMap(\.node))
        let missing = withState.subtracting(plan.nodes.map(\.name)).sorted()
        if !missing.isEmpty && !allowNonRestoredState {
            throw CheckpointFailure(
                "checkpoint \(metadata.id) (\(point.directory)) holds state of \(missing.map { "'\($0)'" }.joined(separator: ", ")), "
                    + "which the manifest no longer has: that state would be lost. Run with --allow-non-restored-state to drop it, "
                    + "or restore the node to the manifest")
        }
        var summary = Summary(id: metadata.id, path: point.directory, bytes: metadata.files.reduce(0) { $0 + $1.size }, final: metadata.final)
        let keyGroups = KeyGroups(maxParallelism: metadata.maxParallelism)
        for node in plan.nodes {
            guard let old = metadata.node(node.name) else { continue }
            if let head = node.source, point.has(TaskStateWriter.sourceFile(node.name)) {
                try restoreSource(head, node.name)
                summary.sources += 1
            }
            let files = (0..<old.parallelism).map { TaskStateWriter.operatorFile(node.name, $0) }.filter(point.has)
            guard !files.isEmpty else { continue }
            guard files.count == old.parallelism else {
                throw CheckpointFailure("checkpoint \(metadata.id) has state of \(files.count) of the \(old.parallelism) instances of '\(node.name)'")
            }
            let snapshots = try files.map { try DecodedOperatorSnapshot(read($0), name: point.path($0)) }
            for (i, instance) in node.instances.enumerated() {
                guard let op = instance as? CheckpointedOperator else {
                    throw CheckpointFailure("'\(node.name)' has state in checkpoint \(metadata.id) but is now a node without state")
                }
                if old.parallelism != node.parallelism && !op.isRescalable {
                    throw CheckpointFailure(
                        "'\(node.name)' keeps state of its own that cannot be split by key: checkpoint \(metadata.id) was taken with "
                            + "parallelism \(old.parallelism), the manifest now says \(node.parallelism); keep parallelism \(old.parallelism)")
                }
                let restore = OperatorRestore(instance: i, parallelism: node.parallelism, keyGroups: keyGroups, snapshots: snapshots)
                do { try op.restoreState(from: restore) } catch {
                    throw CheckpointFailure("'\(node.name)' cannot restore its state from checkpoint \(metadata.id): \(error)")
                }
                summary.keyedEntries += restore.keyedEntryCount
            }
            summary.operators += 1
        }
        // A task runs again unless every node in it had finished.
        let finished = Set(metadata.nodes.filter(\.finished).map(\.name))
        for task in plan.tasks {
            let nodes = plan.nodes.filter { $0.taskIDs.contains(task.id) }
            if !nodes.isEmpty && nodes.allSatisfy({ finished.contains($0.name) }) { task.finishedBeforeRestore = true }
        }
        return summary
    }

    private func restoreSource(_ head: SourceHead, _ name: String) throws {
        let file = TaskStateWriter.sourceFile(name)
        var reader = SnapshotReader(try read(file), name: point.path(file))
        let replayable = try reader.readBool()
        var position = SnapshotReader(try reader.readBytes(), name: point.path(file))
        head.time.restore(maxTimestamp: try reader.readInt64())
        try reader.expectEnd()
        guard replayable else { return }
        guard let source = head.source as? CheckpointedSource, source.isReplayable else {
            throw CheckpointFailure("source '\(name)' was replayable when checkpoint \(point.metadata.id) was taken, and is not now")
        }
        do { try source.restorePosition(from: &position) } catch {
            throw CheckpointFailure("source '\(name)' cannot go back to its position in checkpoint \(point.metadata.id): \(error)")
        }
    }

    private func read(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: point.path(relative)) else {
            throw CheckpointFailure("cannot read \(point.path(relative))")
        }
        return [UInt8](data)
    }
}
