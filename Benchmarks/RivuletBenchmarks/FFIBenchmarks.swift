// FFIBenchmarks: an FFI operator calling libc's labs through libffi per record, against direct calls.
import Benchmark
import RivuletRuntime

/// Each iteration runs Benchmarks/ffi.yaml — generator → FFI operator `labs(value)` → null sink over
/// 1,024,000 records (1,000 batches) — as the measured region, and times, unmeasured, before and after
/// it: `labs` called directly through a C function pointer 2 × 1,024,000 times each side (the C
/// baseline), and a generator straight into a null sink on 512,000 records each side (the records
/// alone). Reports the three rates, the comparison with the direct calls (what libffi plus the runtime
/// cost per record) and with the generator alone (what the FFI operator adds).
func registerFFIBenchmarks() {
    let ffiRate = SuiteMetrics.rate("FFI pipeline records/s")
    let directRate = SuiteMetrics.rate("direct C calls/s")
    let baselineRate = SuiteMetrics.rate("generator only records/s")
    let toDirect = BaselineComparison("FFI pipeline", vs: "direct calls", tolerancePercent: 100)
    let toGenerator = BaselineComparison("FFI pipeline", vs: "generator only", tolerancePercent: 60)
    let records = RuntimeRuns.recordsPerIteration
    let rounds = 4
    // The generator's values are 0..<1000; any such values do for the direct calls.
    let values = (0..<records).map { ($0 &* 7919) % 1000 }

    Benchmark(
        "FFI-labs-via-libffi-vs-direct-calls",
        configuration: SuiteMetrics.configuration(
            rates: [ffiRate, directRate, baselineRate], comparisons: [toDirect, toGenerator],
            mallocTolerance: 1000, iterations: 60, seconds: 15)
    ) { benchmark in
        RuntimeRuns.reportingFailure(benchmark) {
            let direct = try DirectCFunction()
            let manifest = try RuntimeRuns.load("ffi.yaml", overrides: ["sources.gen.count=\(records)"])
            var calls = Throughput()
            var sum = 0
            calls.time {
                sum &+= direct.callEach(values, rounds: rounds / 2)
                return records * (rounds / 2)
            }
            let (baseline, (summary, rate)) = try RuntimeRuns.generatorOnlyAround(records: records) {
                try RuntimeRuns.measuredRun(manifest, in: benchmark)
            }
            calls.time {
                sum &+= direct.callEach(values, rounds: rounds / 2)
                return records * (rounds / 2)
            }
            guard sum > 0 else { return benchmark.error("labs returned nothing") }
            guard summary.recordsOut == Int64(records) else {
                return benchmark.error("the FFI pipeline delivered \(summary.recordsOut) of \(records) records")
            }
            benchmark.measurement(ffiRate, rate)
            benchmark.measurement(directRate, calls.perSecond)
            benchmark.measurement(baselineRate, baseline.perSecond)
            toDirect.report(rate, over: calls.perSecond, in: benchmark)
            toGenerator.report(rate, over: baseline.perSecond, in: benchmark)
        }
    }
}
