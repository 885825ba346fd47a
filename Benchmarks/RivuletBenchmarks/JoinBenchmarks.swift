// JoinBenchmarks: a stream–table left join of generated clicks with a 1,000-key table (Benchmarks/join.yaml).
import Benchmark
import RivuletRuntime

/// Each iteration runs Benchmarks/join.yaml — 1,024,000 clicks (1,000 batches) joined in event-time order
/// with a table of 1,000 upserts in the default memory store, on three threads (two sources, the join) —
/// as the measured region, with a generator of clicks straight into a null sink (the baseline; timed,
/// unmeasured) on 512,000 records before it and 512,000 after it. Reports both click rates and their
/// ratio. Mallocs are per 1,000 batches of clicks: the scaled figure is mallocs per batch.
func registerJoinBenchmarks() {
    let joinRate = SuiteMetrics.rate("join clicks/s")
    let baselineRate = SuiteMetrics.rate("generator only records/s")
    let comparison = BaselineComparison("join", vs: "generator only", tolerancePercent: 50)
    let clicks = RuntimeRuns.recordsPerIteration

    Benchmark(
        "Join-stream-table-memory-store",
        configuration: SuiteMetrics.configuration(
            rates: [joinRate, baselineRate], comparisons: [comparison], mallocTolerance: 1000, iterations: 40, seconds: 15)
    ) { benchmark in
        RuntimeRuns.reportingFailure(benchmark) {
            let manifest = try RuntimeRuns.load("join.yaml", overrides: ["sources.clicks.count=\(clicks)"])
            let (baseline, (summary, rate)) = try RuntimeRuns.generatorOnlyAround(records: clicks) {
                try RuntimeRuns.measuredRun(manifest, counting: clicks, in: benchmark)
            }
            guard summary.recordsOut >= Int64(clicks) else {
                return benchmark.error("the join delivered \(summary.recordsOut) records for \(clicks) clicks")
            }
            benchmark.measurement(joinRate, rate)
            benchmark.measurement(baselineRate, baseline.perSecond)
            comparison.report(rate, over: baseline.perSecond, in: benchmark)
        }
    }
}
