// SwiftMapBenchmarks: a Swift SDK map (currency_convert, Benchmarks/swift-map.yaml) against the generator alone.
import Benchmark
import RivuletRuntime

/// Each iteration runs Benchmarks/swift-map.yaml — generator → rv_std_swift's `currency_convert` (per
/// record: a rate looked up by the key field, a new f64 field, the string field replaced) → null sink —
/// over 1,024,000 records (1,000 batches) as the measured region, with the generator straight into a null
/// sink (the baseline; timed, unmeasured) on 512,000 records before and after it. The SDK's emit path is
/// what this watches: its mallocs per batch (the scaled figure) must not grow with the records.
func registerSwiftMapBenchmarks() {
    let mapRate = SuiteMetrics.rate("swift map records/s")
    let baselineRate = SuiteMetrics.rate("generator only records/s")
    let comparison = BaselineComparison("swift map", vs: "generator only", tolerancePercent: 50)
    let records = RuntimeRuns.recordsPerIteration

    Benchmark(
        "SwiftMap-currency-convert-vs-generator",
        configuration: SuiteMetrics.configuration(
            rates: [mapRate, baselineRate], comparisons: [comparison], mallocTolerance: 1000, iterations: 60, seconds: 15)
    ) { benchmark in
        RuntimeRuns.reportingFailure(benchmark) {
            let manifest = try RuntimeRuns.load("swift-map.yaml", overrides: ["sources.gen.count=\(records)"])
            let (baseline, (summary, rate)) = try RuntimeRuns.generatorOnlyAround(records: records) {
                try RuntimeRuns.measuredRun(manifest, in: benchmark)
            }
            guard summary.recordsOut == Int64(records) else {
                return benchmark.error("the map delivered \(summary.recordsOut) of \(records) records")
            }
            benchmark.measurement(mapRate, rate)
            benchmark.measurement(baselineRate, baseline.perSecond)
            comparison.report(rate, over: baseline.perSecond, in: benchmark)
        }
    }
}
