// MetricsCounter: a named, thread-safe counter (records in/out, errors, plugin-defined counts).
import Atomics

/// A monotonically increasing (or freely adjusted) 64-bit counter, safe to add to from any thread.
public final class MetricsCounter: Sendable {
    public let name: String
    private let storage = ManagedAtomic<Int64>(0)

    public init(name: String) {
        self.name = name
    }

    /// Adds `delta` (relaxed: counters order nothing else).
    public func add(_ delta: Int64) {
        storage.wrappingIncrement(by: delta, ordering: .relaxed)
    }

    public var value: Int64 { storage.load(ordering: .relaxed) }
}
