// RocksDBBenchmarkStoreHolder: holds a store benchmark's state from its setup to its teardown.
/// Set by the benchmark's setup hook, read by its iterations, closed by its teardown (all on the
/// benchmark runner's thread, one after the other).
final class RocksDBBenchmarkStoreHolder: @unchecked Sendable {
    var state: RocksDBBenchmarkStore?

    func close() {
        state?.close()
        state = nil
    }
}
