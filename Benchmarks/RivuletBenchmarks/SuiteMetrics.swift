// SuiteMetrics: the suite's custom rates, its configurations, and the tolerances checked against Thresholds/.
import Benchmark

/// What every benchmark reports, and how much a later run may differ from `Thresholds/` before
/// `swift package benchmark thresholds check` fails.
///
/// - Rates (`… records/s`) and `wallClock`: reported, not checked. Throughput on the 2-core development
///   VM moves ±40 % between runs, so Benchmarks/run-suite.sh keeps them out of `Thresholds/`; their
///   in-code tolerance (75 %) is wide only so that a file written by a bare `thresholds update` does not
///   fail on noise.
/// - Comparisons with a baseline measured in the same iteration (`BaselineComparison`): the ratio is
///   reported, the slowdown checked with a relative tolerance (noise that slows the whole machine
///   cancels out).
/// - `mallocCountTotal`: mallocs in the measured region of one iteration, all threads. The runtime
///   benchmarks process 1,000 batches of 1,024 records per iteration (scaling factor `.kilo`, so the
///   scaled figure in the table is mallocs per batch); the store benchmarks one batch per iteration.
///   Checked with an absolute tolerance per iteration.
enum SuiteMetrics {
    /// A rate (things per second) of one iteration.
    static func rate(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersLarger, useScalingFactor: false)
    }

    /// Reported only: a 75 % swing is within tolerance.
    static var reportedOnly: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 75]) }

    /// The configuration of a benchmark: a warm-up iteration, then at most `iterations` iterations or
    /// `seconds` of wall time. `mallocTolerance` is in mallocs per iteration.
    static func configuration(
        rates: [BenchmarkMetric], comparisons: [BaselineComparison], mallocTolerance: Int,
        scalingFactor: BenchmarkScalingFactor = .kilo, iterations: Int, seconds: Int
    ) -> Benchmark.Configuration {
        var thresholds: [BenchmarkMetric: BenchmarkThresholds] = [
            .mallocCountTotal: BenchmarkThresholds(absolute: [.p90: mallocTolerance]), .wallClock: reportedOnly,
        ]
        for rate in rates { thresholds[rate] = reportedOnly }
        for comparison in comparisons {
            thresholds[comparison.ratio] = reportedOnly
            thresholds[comparison.slowdown] = BenchmarkThresholds(relative: [.p90: comparison.tolerancePercent])
        }
        return Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal] + rates + comparisons.flatMap { [$0.ratio, $0.slowdown] },
            warmupIterations: 1, scalingFactor: scalingFactor, maxDuration: .seconds(seconds), maxIterations: iterations,
            thresholds: thresholds)
    }
}
