// BaselineComparison: a benchmark's rate against a baseline measured in the same iteration, as two metrics.
import Benchmark

/// Compares the measured rate with a baseline's, reporting
/// - `ratio` = rate / baseline × 1000 (larger is better): the figure to read, e.g. 80 = 0.08×;
/// - `slowdown` = baseline / rate × 100 (smaller is better): the same comparison, the one checked
///   against `Thresholds/`.
///
/// Why two: `thresholds update` writes the raw 90th percentile of every metric, but `thresholds check`
/// reads a larger-is-better metric's p90 as its raw 10th percentile (benchmark 1.38.1), so a checked
/// larger-is-better metric is compared low end against high end and fails on noise alone. A
/// smaller-is-better metric is compared p90 to p90.
struct BaselineComparison {
    let ratio: BenchmarkMetric
    let slowdown: BenchmarkMetric
    /// How much the slowdown's p90 may grow over the checked-in one, in percent.
    let tolerancePercent: Double

    init(_ subject: String, vs baseline: String, tolerancePercent: Double) {
        ratio = .custom("ratio \(subject) / \(baseline) (x1000)", polarity: .prefersLarger, useScalingFactor: false)
        slowdown = .custom("slowdown \(subject) vs \(baseline) (x100)", polarity: .prefersSmaller, useScalingFactor: false)
        self.tolerancePercent = tolerancePercent
    }

    /// Reports both metrics for `rate` against `baselineRate` (things per second; nothing when either is 0).
    func report(_ rate: Int, over baselineRate: Int, in benchmark: Benchmark) {
        guard rate > 0, baselineRate > 0 else { return }
        benchmark.measurement(ratio, Int((1000 * Double(rate) / Double(baselineRate)).rounded()))
        benchmark.measurement(slowdown, Int((100 * Double(baselineRate) / Double(rate)).rounded()))
    }
}
