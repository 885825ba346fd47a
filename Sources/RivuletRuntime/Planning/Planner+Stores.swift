// Planner+Stores: creating each operator instance's state stores and attaching them (memory, RocksDB, changelog).
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
    func attachStores(_ plan: ExecutionPlan) throws {
        var owner: [String: String] = [:]
        for spec in manifest.operators where !spec.stores.isEmpty {
            for name in spec.stores {
                if let other = owner[name] {
                    throw PlanError(
                        spec.location, "store '\(name)' is listed by operators '\(other)' and '\(spec.name)': a store belongs to one operator")
                }
                owner[name] = spec.name
            }
            guard let node = plan.nodesByName[spec.name] else { continue }
            for (i, instance) in node.instances.enumerated() {
                guard let user = instance as? StoreUsing else {
                    throw PlanError(
                        spec.location, "operator '\(spec.name)' lists stores, but only plugin operators, tables and stream_table joins use stores")
                }
                var stores: [String: KeyValueStore] = [:]
                for name in spec.stores {
                    let storeSpec = manifest.stores.first { $0.name == name }!
                    let instanceName = node.parallelism > 1 ? "\(name)#\(i)" : name
                    do {
                        var store: KeyValueStore
                        switch storeSpec.backend {
                        case .memory(let budget):
                            store = MemoryStore(name: instanceName, budget: budget)
                        case .rocksdb where !options.openStores:
                            store = MemoryStore(name: instanceName, budget: .max)
                        case .rocksdb:
                            store = try RocksDBStore(
                                name: instanceName, instance: try plan.rocksDB(task: node.taskIDs[i], directory: manifest.stateDirectory))
                        }
                        if storeSpec.changelog && options.openStores {
                            store = try LoggedStore(
                                store, changelog: "\(manifest.stateDirectory)/changelog/\(instanceName).log",
                                progress: { FileHandle.standardError.write(Data(("rivulet: " + $0 + "\n").utf8)) })
                        }
                        let metered = MeteredStore(store, owner: node.parallelism > 1 ? "\(spec.name)#\(i)" : spec.name)
                        stores[name] = metered
                        plan.stores.append(metered)
                    } catch {
                        throw PlanError(storeSpec.location, "\(error)")
                    }
                }
                try user.attach(stores: stores)
            }
        }
    }
}

extension ExecutionPlan {
    /// The RocksDB database of task `id`, opened on first use.
    func rocksDB(task id: Int, directory: String) throws(StoreError) -> RocksDBInstance {
        if let db = rocksDBs[id] { return db }
        let name = tasks[id].name.replacingOccurrences(of: "/", with: "_")
        let db = try RocksDBInstance(path: "\(directory)/rocksdb/\(name)")
        rocksDBs[id] = db
        return db
    }
}
