// PipelineBenchmarks: the stateless pipeline (Benchmarks/pipeline.yaml) against the same work as a plain C loop.
import Benchmark
import CSPSCBaseline
import RivuletRuntime

/// Each iteration runs Benchmarks/pipeline.yaml — generator → C `filter` (value < 900) → Swift `project` →
/// C `scale` → null sink, fused on one thread — over 1,024,000 records (1,000 batches of 1,024) as the
/// measured region, with `pipeline_baseline` (the same work as a plain C loop; timed, unmeasured) on
/// 512,000 records before it and 512,000 after it. Reports both rates and the ratio rivulet / C (targets:
/// ≥ 0.3 and ≥ 30 M records/s). Mallocs are per 1,000 batches: the scaled figure is mallocs per batch.
func registerPipelineBenchmarks() {
    let runtimeRate = SuiteMetrics.rate("pipeline records/s")
    let cRate = SuiteMetrics.rate("plain C loop records/s")
    let comparison = BaselineComparison("pipeline", vs: "C loop", tolerancePercent: 50)
    let records = RuntimeRuns.recordsPerIteration

    Benchmark(
        "Pipeline-filter-project-scale-vs-C-loop",
        configuration: SuiteMetrics.configuration(
            rates: [runtimeRate, cRate], comparisons: [comparison], mallocTolerance: 1000, iterations: 60, seconds: 15)
    ) { benchmark in
        RuntimeRuns.reportingFailure(benchmark) {
            let manifest = try RuntimeRuns.load("pipeline.yaml", overrides: ["sources.gen.count=\(records)"])
            var c = Throughput()
            var delivered = Int64(0)
            c.time {
                delivered += pipeline_baseline(Int64(records / 2), 1000, 42)
                return records / 2
            }
            let (summary, rate) = try RuntimeRuns.measuredRun(manifest, in: benchmark)
            let fullRun = pipeline_baseline(Int64(records), 1000, 42)
            c.time {
                delivered += pipeline_baseline(Int64(records / 2), 1000, 42)
                return records / 2
            }
            // The C halves repeat the same first 512,000 records; the whole run checks the pipeline's count.
            guard summary.recordsOut == fullRun, delivered > 0 else {
                return benchmark.error("the pipeline delivered \(summary.recordsOut) records, the C loop \(fullRun)")
            }
            benchmark.measurement(runtimeRate, rate)
            benchmark.measurement(cRate, c.perSecond)
            comparison.report(rate, over: c.perSecond, in: benchmark)
        }
    }
}
