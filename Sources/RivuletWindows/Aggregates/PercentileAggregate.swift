// PercentileAggregate: `percentile(field, p)`: an HdrHistogram estimate, relative error at most 1/128.
import CRivulet
import Histogram
import RivuletCore
import RivuletSnapshot

/// The p-th percentile of a non-negative numeric field (floats truncated, negatives count as 0), estimated
/// with an HdrHistogram of 2 significant digits: values below 256 are exact, larger ones are reported as
/// the highest value of their bucket, at most 1/128 (0.78%) above the true nearest-rank value, and never
/// above the largest value recorded. Accumulator: the index of a histogram in a side table (histograms
/// hold arrays, which cannot live in plain accumulator bytes); released when the window is.
///
/// Checkpoints save a histogram as its largest and smallest recorded values and, per non-empty bucket, a
/// value of the bucket and its count: recording those again rebuilds the same buckets, total, minimum and
/// maximum — all that results and merges read.
public final class PercentileAggregate: WindowAggregate {
    let field: Int
    let percentile: Double
    // Side tables touched per record by the operator's thread only: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var histograms: [Histogram<UInt32>?] = []
    @exclusivity(unchecked) private var free: [Int] = []
    /// Per histogram, where its percentile was last found (nil: not known; found by a scan).
    @exclusivity(unchecked) private var cursors: [PercentileCursor?] = []

    public init(field: Int, percentile: Double) {
        self.field = field
        self.percentile = percentile
    }

    public var resultType: FieldType { .i64 }
    public var size: Int { 8 }

    public func initialize(_ acc: UnsafeMutableRawPointer) {
        // Small at first (a window often holds a few values): it grows to the largest value recorded; the
        // buckets, and so the results, are the same at any size.
        var h = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: 2048, numberOfSignificantValueDigits: .two)
        h.autoResize = true
        let index: Int
        if let reused = free.popLast() {
            histograms[reused] = h
            cursors[reused] = nil
            index = reused
        } else {
            histograms.append(h)
            cursors.append(nil)
            index = histograms.count - 1
        }
        acc.storeBytes(of: Int64(index), as: Int64.self)
    }

    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) {
        guard let v = NumericValue.double(record, field) else { return }
        let index = Int(acc.load(as: Int64.self))
        let value: UInt64 = v > 0 ? UInt64(min(v, 9e18)) : 0
        _ = histograms[index]!.record(value)
        if cursors[index] != nil { cursors[index]!.recorded(value, in: histograms[index]!) }
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) {
        let a = Int(acc.load(as: Int64.self)), b = Int(other.load(as: Int64.self))
        histograms[a]!.add(histograms[b]!)
        cursors[a] = nil
    }

    /// `Histogram.valueAtPercentile`, from the cursor moved to this count (a scan when it is not known):
    /// in `emit: update` a result follows every record, and a scan of every bucket each time cost ~6 µs.
    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field {
        let index = Int(acc.load(as: Int64.self))
        let h = histograms[index]!
        guard h.totalCount > 0 else { return rv_field() }
        guard percentile > 0, percentile < 100 else { return .integer(Int64(h.valueAtPercentile(percentile))) }
        var cursor = cursors[index] ?? PercentileCursor(h)
        let value = cursor.value(at: percentile, in: h)
        cursors[index] = cursor
        return .integer(Int64(value))
    }

    public func release(_ acc: UnsafeMutableRawPointer) {
        let index = Int(acc.load(as: Int64.self))
        histograms[index] = nil
        cursors[index] = nil
        free.append(index)
    }

    /// The histogram as: non-empty buckets (u32), largest value, smallest value (0 when a 0 was
    /// recorded), then per bucket a value in it (never below the smallest) and its count (u32).
    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) {
        let h = histograms[Int(acc.load(as: Int64.self))]!
        let smallest = h.min
        var buckets: [(value: UInt64, count: UInt32)] = []
        if h.totalCount > 0 {
            for v in h.recordedValues() { buckets.append((Swift.max(h.lowestEquivalentForValue(v.value), smallest), v.count)) }
        }
        writer.write(UInt32(buckets.count))
        writer.write(h.maxRecorded)
        writer.write(smallest)
        for b in buckets {
            writer.write(b.value)
            writer.write(b.count)
        }
    }

    /// Records each bucket's value with its count into the fresh histogram `initialize` made, then the
    /// largest value with count 0 (which sets the maximum exactly and adds nothing).
    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws {
        let index = Int(acc.load(as: Int64.self))
        let count = Int(try reader.readUInt32())
        guard count <= reader.remaining / 12 else { throw SnapshotCorrupt(reader.name, "a histogram of \(count) buckets runs past the end") }
        let largest = try reader.readUInt64()
        let smallest = try reader.readUInt64()
        guard count == 0 || smallest <= largest else { throw SnapshotCorrupt(reader.name, "a histogram's smallest value is above its largest") }
        var h = histograms[index]!
        histograms[index] = nil  // one reference while recording: no copy of its counts
        for _ in 0..<count {
            let value = try reader.readUInt64()
            let n = try reader.readUInt32()
            guard value >= smallest, value <= largest else { throw SnapshotCorrupt(reader.name, "a histogram bucket lies outside its range") }
            h.record(value, count: n)
        }
        if count > 0 { h.record(largest, count: 0) }
        histograms[index] = h
        cursors[index] = nil
    }
}
