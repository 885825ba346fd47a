// Capabilities: what the planner and the run's reports ask of an operator instance, instead of its type.
import RivuletCore
import RivuletLookup
import RivuletState

/// An operator that keeps state in host stores (`stores:` in the manifest): it gets them, by name, after
/// tasks are assigned (a RocksDB database per task) and before its first batch.
protocol StoreUsing: AnyObject {
    func attach(stores: [String: KeyValueStore]) throws
}

/// An operator whose windows fired and late records appear in the run summary.
protocol WindowReporting: AnyObject {
    var windowsFired: Int { get }
    var lateRecords: Int { get }
}

/// An operator whose external lookups appear in the run summary.
protocol LookupReporting: AnyObject {
    var stats: LookupStats { get }
}

/// An operator with counters of its own (a plugin's `counter_register`), for metrics.
protocol CounterReporting: AnyObject {
    func counterSnapshot() -> [(name: String, value: Int64)]
}
