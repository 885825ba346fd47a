// WindowBenchmarks: count + sum per key in 10 s tumbling windows (Benchmarks/window.yaml).
import Benchmark
import RivuletRuntime

/// Each iteration runs Benchmarks/window.yaml — 1,000 keys, count() and sum(value) in 10 s tumbling
/// windows, about 102 windows × 1,000 keys fired — over 1,024,000 records (1,000 batches) as the measured
/// region, with a generator straight into a null sink (the baseline: what producing the records costs;
/// timed, unmeasured) on 512,000 records before it and 512,000 after it. Reports both rates and their
/// ratio. Mallocs are per 1,000 batches: the scaled figure is mallocs per batch.
func registerWindowBenchmarks() {
    let windowRate = SuiteMetrics.rate("window records/s")
    let baselineRate = SuiteMetrics.rate("generator only records/s")
    let comparison = BaselineComparison("window", vs: "generator only", tolerancePercent: 50)
    let records = RuntimeRuns.recordsPerIteration

    Benchmark(
        "Window-tumbling-count-sum-1000-keys",
        configuration: SuiteMetrics.configuration(
            rates: [windowRate, baselineRate], comparisons: [comparison], mallocTolerance: 1000, iterations: 60, seconds: 15)
    ) { benchmark in
        RuntimeRuns.reportingFailure(benchmark) {
            let manifest = try RuntimeRuns.load("window.yaml", overrides: ["sources.gen.count=\(records)"])
            let (baseline, (summary, rate)) = try RuntimeRuns.generatorOnlyAround(records: records) {
                try RuntimeRuns.measuredRun(manifest, in: benchmark)
            }
            guard let fired = summary.windows.first?.fired, fired > 0 else { return benchmark.error("no window fired") }
            benchmark.measurement(windowRate, rate)
            benchmark.measurement(baselineRate, baseline.perSecond)
            comparison.report(rate, over: baseline.perSecond, in: benchmark)
        }
    }
}
