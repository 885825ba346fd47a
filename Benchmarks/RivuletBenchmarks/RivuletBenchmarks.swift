// RivuletBenchmarks: the suite `swift package benchmark` runs (ordo-one/benchmark); one file per group.
import Benchmark

/// Every group registers its benchmarks here. Each reports throughput as custom rates, its comparison
/// with a baseline measured in the same closure, and malloc counts; Thresholds/ holds the checked values
/// (SuiteMetrics says which and how much they may move). Benchmark names have no spaces or slashes:
/// `thresholds update` writes `Thresholds/<target>.<name>.p90.json` with those replaced by `_`, but
/// `thresholds check` looks the file up by the name as it is (benchmark 1.38.1).
let benchmarks: @Sendable () -> Void = {
    registerRingBenchmarks()
    registerPipelineBenchmarks()
    registerSwiftMapBenchmarks()
    registerWindowBenchmarks()
    registerJoinBenchmarks()
    registerRocksDBStoreBenchmarks()
    registerFFIBenchmarks()
}
