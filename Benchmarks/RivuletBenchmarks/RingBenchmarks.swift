// RingBenchmarks: the Swift SPSCRing against the C SPSC queue with cached indices, in the same iteration.
import Benchmark
import CSPSCBaseline
import RivuletBench

/// Each iteration moves Int values between two threads: 512,000 through the C queue, then 1,024,000
/// (1,000 "batches" of 1,024) through the Swift ring as the measured region, then 512,000 through the C
/// queue again (C before and after, so drift during the iteration hits both alike); ring capacity 4096
/// as `rivulet bench ring`. Reports both rates and the ratio Swift / C (target ≥ 0.8). The ring itself
/// allocates nothing per value: the mallocs are the ring, its thread and their bookkeeping.
func registerRingBenchmarks() {
    let swiftRate = SuiteMetrics.rate("Swift ring values/s")
    let cRate = SuiteMetrics.rate("C queue values/s")
    let comparison = BaselineComparison("Swift ring", vs: "C queue", tolerancePercent: 100)
    let capacity = 4096
    let values = RuntimeRuns.recordsPerIteration

    Benchmark(
        "Ring-SPSCRing-vs-C-SPSC-queue",
        configuration: SuiteMetrics.configuration(
            rates: [swiftRate, cRate], comparisons: [comparison], mallocTolerance: 40, iterations: 200, seconds: 10)
    ) { benchmark in
        var c = Throughput()
        var cSum = Int64(0)
        c.time {
            cSum &+= spsc_baseline_transfer(UInt64(capacity), Int64(values / 2))
            return values / 2
        }

        benchmark.startMeasurement()
        let swiftStopwatch = Stopwatch()
        let sum = SwiftRingTransfer.run(capacity: capacity, count: values)
        let swift = swiftStopwatch.perSecond(values)
        benchmark.stopMeasurement()

        c.time {
            cSum &+= spsc_baseline_transfer(UInt64(capacity), Int64(values / 2))
            return values / 2
        }
        // 0..<n sums to n(n-1)/2: two halves of the C run against one whole Swift run.
        let half = Int64(values / 2)
        guard Int64(sum) == Int64(values) * Int64(values - 1) / 2, cSum == 2 * (half * (half - 1) / 2) else {
            return benchmark.error("wrong checksums: Swift \(sum), C \(cSum)")
        }
        benchmark.measurement(swiftRate, swift)
        benchmark.measurement(cRate, c.perSecond)
        comparison.report(swift, over: c.perSecond, in: benchmark)
    }
}
