// PercentileAggregate: `percentile(field, p)`: an HdrHistogram estimate, relative error at most 1/128.
import CRivulet
import Histogram
import RivuletCore

/// The p-th percentile of a non-negative numeric field (floats truncated, negatives count as 0), estimated
/// with an HdrHistogram of 2 significant digits: values below 256 are exact, larger ones are reported as
/// the highest value of their bucket, at most 1/128 (0.78%) above the true nearest-rank value, and never
/// above the largest value recorded. Accumulator: the index of a histogram in a side table (histograms
/// hold arrays, which cannot live in plain accumulator bytes); released when the window is.
public final class PercentileAggregate: WindowAggregate {
    let field: Int
    let percentile: Double
    // Side tables touched per record by the operator's thread only: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var histograms: [Histogram<UInt32>?] = []
    @exclusivity(unchecked) private var free: [Int] = []

    public init(field: Int, percentile: Double) {
        self.field = field
        self.percentile = percentile
    }

    public var resultType: FieldType { .i64 }
    public var size: Int { 8 }

    public func initialize(_ acc: UnsafeMutableRawPointer) {
        var h = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: .two)
        h.autoResize = true
        let index: Int
        if let reused = free.popLast() {
            histograms[reused] = h
            index = reused
        } else {
            histograms.append(h)
            index = histograms.count - 1
        }
        acc.storeBytes(of: Int64(index), as: Int64.self)
    }

    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) {
        guard let v = NumericValue.double(record, field) else { return }
        let index = Int(acc.load(as: Int64.self))
        _ = histograms[index]!.record(v > 0 ? UInt64(min(v, 9e18)) : 0)
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) {
        let a = Int(acc.load(as: Int64.self)), b = Int(other.load(as: Int64.self))
        histograms[a]!.add(histograms[b]!)
    }

    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field {
        let h = histograms[Int(acc.load(as: Int64.self))]!
        guard h.totalCount > 0 else { return rv_field() }
        return .integer(Int64(h.valueAtPercentile(percentile)))
    }

    public func release(_ acc: UnsafeMutableRawPointer) {
        let index = Int(acc.load(as: Int64.self))
        histograms[index] = nil
        free.append(index)
    }
}
