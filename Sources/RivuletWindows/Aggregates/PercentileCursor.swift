// PercentileCursor: where a histogram's percentile lies, moved a few buckets per record instead of rescanned.
import Histogram

/// The bucket `Histogram.valueAtPercentile` would stop at — the first, from the lowest, whose cumulative
/// count reaches the percentile's count — kept as values are recorded: a record moves the count to reach
/// by at most one and the cumulative count by at most one, so the cursor moves a few buckets, never
/// scanning from the first. Gives exactly `valueAtPercentile`'s result for 0 < p < 100.
struct PercentileCursor {
    /// The lowest value of the cursor's bucket.
    private var bucket: UInt64
    /// The count of values in the buckets up to and including the cursor's.
    private var through: UInt64

    /// The cursor of `h` (not empty) at its lowest recorded bucket.
    init(_ h: Histogram<UInt32>) {
        bucket = h.lowestEquivalentForValue(h.min)
        through = UInt64(h.countForValue(bucket))
    }

    /// `value` has just been recorded in the histogram.
    mutating func recorded(_ value: UInt64, in h: Histogram<UInt32>) {
        if h.lowestEquivalentForValue(value) <= bucket { through += 1 }
    }

    /// `h.valueAtPercentile(p)` for 0 < p < 100, the cursor moved to it.
    mutating func value(at p: Double, in h: Histogram<UInt32>) -> UInt64 {
        // The count to reach, as `valueAtPercentile` derives it.
        let requested = Swift.min(Swift.max(p.nextDown, 0.0), 100.0)
        let target = Swift.max(1, UInt64(((requested * Double(h.totalCount)) / 100.0).rounded(.up)))
        while through < target {
            bucket = h.nextNonEquivalentForValue(bucket)
            through += UInt64(h.countForValue(bucket))
        }
        while bucket > 0 {
            let before = through - UInt64(h.countForValue(bucket))
            guard before >= target else { break }
            through = before
            bucket = h.lowestEquivalentForValue(bucket - 1)
        }
        return Swift.max(Swift.min(h.highestEquivalentForValue(bucket), h.maxRecorded), h.min)
    }
}
