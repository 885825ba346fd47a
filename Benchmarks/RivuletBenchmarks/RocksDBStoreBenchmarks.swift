// RocksDBStoreBenchmarks: RocksDBStore puts (a batch of 1,024 then a commit) and gets, in a temp folder.
import Benchmark
import RivuletState

/// One iteration is one record batch's worth of store work, so `mallocCountTotal` is mallocs per batch:
/// - puts: 1,024 puts of 16-byte keys and 16-byte values (keys advance through 10^6 values, so later
///   iterations overwrite) and one `commit()` (the write batch goes to the database);
/// - gets: 1,024 gets of keys drawn at random from 100,000 committed keys (every one is found).
/// There is no C baseline here: the rates are reported, the malloc counts checked.
func registerRocksDBStoreBenchmarks() {
    let batch = RuntimeRuns.recordsPerBatch

    let putRate = SuiteMetrics.rate("puts/s")
    let puts = RocksDBBenchmarkStoreHolder()
    Benchmark(
        "RocksDB-store-1024-puts-and-commit",
        configuration: SuiteMetrics.configuration(
            rates: [putRate], comparisons: [], mallocTolerance: 500, scalingFactor: .one, iterations: 2000, seconds: 6)
    ) { benchmark in
        guard let state = puts.state else { return benchmark.error("the store was not set up") }
        let stopwatch = Stopwatch()
        do {
            for _ in 0..<batch {
                state.key.set(state.nextKey)
                state.nextKey = (state.nextKey + 1) % 1_000_000
                try state.store.put(state.key.buffer, state.value)
            }
            try state.store.commit()
        } catch {
            return benchmark.error("\(error)")
        }
        benchmark.measurement(putRate, stopwatch.perSecond(batch))
    } setup: {
        puts.state = try RocksDBBenchmarkStore(prefilledKeys: 0)
    } teardown: {
        puts.close()
    }

    let getRate = SuiteMetrics.rate("gets/s")
    let gets = RocksDBBenchmarkStoreHolder()
    Benchmark(
        "RocksDB-store-1024-gets",
        configuration: SuiteMetrics.configuration(
            rates: [getRate], comparisons: [], mallocTolerance: 64, scalingFactor: .one, iterations: 2000, seconds: 6)
    ) { benchmark in
        guard let state = gets.state else { return benchmark.error("the store was not set up") }
        let stopwatch = Stopwatch()
        var missing = 0
        do {
            for _ in 0..<batch {
                state.key.set(state.randomKey())
                if try state.store.get(state.key.buffer) == nil { missing += 1 }
            }
        } catch {
            return benchmark.error("\(error)")
        }
        guard missing == 0 else { return benchmark.error("\(missing) of \(batch) keys were not found") }
        benchmark.measurement(getRate, stopwatch.perSecond(batch))
    } setup: {
        gets.state = try RocksDBBenchmarkStore(prefilledKeys: 100_000)
    } teardown: {
        gets.close()
    }
}
