// Planner+Stores: creating each operator instance's state stores and attaching them (memory, RocksDB, changelog), restored from a checkpoint when asked.
import Foundation
import RivuletCore
import RivuletManifest
import RivuletState

extension Planner {
    /// Gives every instance of an operator with `stores:` its own store of each: a memory store, or a
    /// column family in the RocksDB database of the instance's task (`<state_directory>/rocksdb/<task>`),
    /// wrapped in a changelog (`<state_directory>/changelog/<store>[#i].log`) when asked — restored from
    /// it first if the store is empty. Runs after tasks are assigned (a database per task). With
    /// `options.openStores` false (a plan only checked), a RocksDB store is a memory store instead and no
    /// store gets its changelog: nothing is created on disk and nothing is replayed.
    ///
    /// With `options.restore`, a store the checkpoint holds (its operator is in the checkpoint, with the
    /// store's files) is put back as the checkpoint saved it — at the same parallelism or another one —
    /// and its changelog is cut back to the checkpoint instead of replayed (`StoreRestorer`). A changelog
    /// written at another parallelism, with no checkpoint to restore the store from, is refused
    /// (`StoreChangelogs.checkParallelism`).
    func attachStores(_ plan: ExecutionPlan) throws {
        var owner: [String: String] = [:]
        // A Kafka application's plugin stores live per input partition (`PerPartitionStoreOperator`).
        let perPartition = Set(plan.nodes.filter { $0.instances.first is PerPartitionStoreOperator }.map(\.name))
        for spec in manifest.operators where !spec.stores.isEmpty {
            for name in spec.stores {
                if let other = owner[name] {
                    throw PlanError(
                        spec.location, "store '\(name)' is listed by operators '\(other)' and '\(spec.name)': a store belongs to one operator")
                }
                owner[name] = spec.name
            }
            if perPartition.contains(spec.name) { continue }
            guard let node = plan.nodesByName[spec.name] else { continue }
            if !node.instances.allSatisfy({ $0 is StoreUsing }) {
                throw PlanError(
                    spec.location, "operator '\(spec.name)' lists stores, but only plugin operators, tables and stream_table joins use stores")
            }
        }
        let restorer: StoreRestorer?
        do {
            restorer = try options.restore.flatMap { options.openStores ? try StoreRestorer(point: $0) : nil }
        } catch {
            throw PlanError(nil, "\(error)")
        }
        defer { restorer?.close() }
        // What the checkpoint holds of each store, and the tasks whose database it replaces whole.
        var sources: [String: StoreSource] = [:]
        if let restorer {
            var rocksDBStores: [(task: Int, liveFolder: String, instanceName: String, instance: Int, parallelism: Int, source: StoreSource?)] = []
            for spec in manifest.operators where !spec.stores.isEmpty && !perPartition.contains(spec.name) {
                guard let node = plan.nodesByName[spec.name] else { continue }
                for name in spec.stores {
                    let storeSpec = manifest.stores.first { $0.name == name }!
                    do {
                        sources[name] = try restorer.source(node: spec.name, store: name)
                        guard case .rocksdb = storeSpec.backend else { continue }
                        for i in node.instances.indices {
                            rocksDBStores.append(
                                (
                                    node.taskIDs[i], "\(manifest.stateDirectory)/rocksdb/\(plan.rocksDBFolderName(task: node.taskIDs[i]))",
                                    Self.instanceName(name, i, node.parallelism), i, node.parallelism, sources[name]
                                ))
                        }
                    } catch {
                        throw PlanError(storeSpec.location, "\(error)")
                    }
                }
            }
            do {
                try restorer.installDatabases(rocksDBStores)
            } catch {
                throw PlanError(nil, "\(error)")
            }
        }
        for spec in manifest.operators where !spec.stores.isEmpty && !perPartition.contains(spec.name) {
            guard let node = plan.nodesByName[spec.name] else { continue }
            var attached: [[String: KeyValueStore]] = node.instances.map { _ in [:] }
            for name in spec.stores {
                let storeSpec = manifest.stores.first { $0.name == name }!
                do {
                    try attach(name, storeSpec, of: node, restoringFrom: sources[name], restorer, plan) { i, store in attached[i][name] = store }
                } catch {
                    throw PlanError(storeSpec.location, "\(error)")
                }
            }
            for (i, instance) in node.instances.enumerated() { try (instance as! StoreUsing).attach(stores: attached[i]) }
        }
    }

    /// The name of instance `i` of store `name` at `parallelism`: `name`, or `name#i` above 1.
    static func instanceName(_ name: String, _ i: Int, _ parallelism: Int) -> String { parallelism > 1 ? "\(name)#\(i)" : name }

    /// Creates store `name` for every instance of `node` (restored from `source` if given), wraps it in its
    /// changelog and metering, records it in the plan, and hands each instance's to `deliver`.
    private func attach(
        _ name: String, _ storeSpec: StoreSpec, of node: PlannedNode, restoringFrom source: StoreSource?, _ restorer: StoreRestorer?,
        _ plan: ExecutionPlan, deliver: (Int, KeyValueStore) -> Void
    ) throws {
        let n = node.parallelism
        // A checkpointed run's state is its checkpoint; the state folder is only the working copy. With no
        // checkpoint to restore, every store starts empty, whatever an earlier (perhaps killed) run left.
        let startsEmpty = manifest.checkpoint != nil && options.openStores && source == nil
        var backings: [KeyValueStore] = []
        for i in 0..<n {
            let instanceName = Self.instanceName(name, i, n)
            switch storeSpec.backend {
            case .memory(let budget):
                backings.append(MemoryStore(name: instanceName, budget: budget))
            case .rocksdb where !options.openStores:
                backings.append(MemoryStore(name: instanceName, budget: .max))
            case .rocksdb:
                let db = try plan.rocksDB(task: node.taskIDs[i], directory: manifest.stateDirectory)
                // Restored (but not installed whole): what the live family holds is newer than the checkpoint.
                if startsEmpty || (source != nil && !(restorer?.installedTasks.contains(node.taskIDs[i]) ?? false)) {
                    try db.dropFamily(instanceName)
                }
                backings.append(try RocksDBStore(name: instanceName, instance: db))
            }
        }
        if let source, let restorer {
            try restorer.load(source, into: backings, tasks: node.taskIDs)
        }
        let changelogs = "\(manifest.stateDirectory)/changelog"
        if storeSpec.changelog && options.openStores {
            if source != nil || startsEmpty {
                try StoreChangelogs.removeStale(of: name, parallelism: n, in: changelogs)
            } else {
                try StoreChangelogs.checkParallelism(of: name, operator: node.name, parallelism: n, in: changelogs)
            }
        }
        for i in 0..<n {
            var store = backings[i]
            var logged: LoggedStore?
            if storeSpec.changelog && options.openStores {
                let start: ChangelogStart
                if let source {
                    start = source.previousParallelism == n ? source.snapshots[i].header.changelog.map { .truncate(to: $0) } ?? .rewrite : .rewrite
                } else {
                    start = startsEmpty ? .rewrite : .replayIfEmpty
                }
                logged = try LoggedStore(
                    store, changelog: "\(changelogs)/\(store.name).log", start: start,
                    progress: { FileHandle.standardError.write(Data(("rivulet: " + $0 + "\n").utf8)) })
                store = logged!
            }
            let metered = MeteredStore(store, owner: n > 1 ? "\(node.name)#\(i)" : node.name)
            plan.stores.append(metered)
            plan.attachedStores.append(
                AttachedStore(
                    node: node.name, store: name, instanceName: backings[i].name, task: node.taskIDs[i], backing: backings[i], logged: logged,
                    metered: metered))
            deliver(i, metered)
        }
    }
}

extension ExecutionPlan {
    /// The RocksDB database of task `id`, opened on first use.
    func rocksDB(task id: Int, directory: String) throws(StoreError) -> RocksDBInstance {
        if let db = rocksDBs[id] { return db }
        let db = try RocksDBInstance(path: "\(directory)/rocksdb/\(rocksDBFolderName(task: id))")
        rocksDBs[id] = db
        return db
    }
}
