// StoreSpec: a state store declared under `stores`: its backend, budget and changelog.

/// A named state store that operators list in their `stores`. Each instance of such an operator gets its
/// own store (state is partitioned by key like the records).
public struct StoreSpec: Sendable, Hashable {
    public enum Backend: Sendable, Hashable {
        /// In memory, at most `budget` bytes (keys, values and 64 bytes per entry).
        case memory(budget: Int)
        /// On disk: a column family of the task's RocksDB database under the state directory.
        case rocksdb
    }

    public var name: String
    public var backend: Backend
    /// Whether every change is also appended to a changelog file (under `<state_directory>/changelog/`)
    /// from which the store is rebuilt at start-up when it is empty.
    public var changelog: Bool
    public var location: SourceLocation

    public init(name: String, backend: Backend, changelog: Bool, location: SourceLocation) {
        self.name = name
        self.backend = backend
        self.changelog = changelog
        self.location = location
    }
}
