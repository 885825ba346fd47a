// MetricsCounter: a named, thread-safe 64-bit value (records in/out, errors, watermarks, plugin-defined counts).
import Atomics

/// A 64-bit counter (or gauge, with `set`), safe to update and read from any thread. Updates are relaxed:
/// metrics order nothing else, and a reader on another thread sees a recent value, exact once the
/// writer's thread has been joined.
public final class MetricsCounter: Sendable {
    public let name: String
    private let storage: ManagedAtomic<Int64>

    public init(name: String, initialValue: Int64 = 0) {
        self.name = name
        storage = ManagedAtomic(initialValue)
    }

    /// Adds `delta`.
    public func add(_ delta: Int64) {
        storage.wrappingIncrement(by: delta, ordering: .relaxed)
    }

    /// Replaces the value (a gauge: a watermark, a size).
    public func set(_ value: Int64) {
        storage.store(value, ordering: .relaxed)
    }

    public var value: Int64 { storage.load(ordering: .relaxed) }
}
