// LatencyProbe: records, at a sink, how long after its due time each generated record arrived.
import Histogram
import RivuletCore
import RivuletExecution

/// Wraps a sink in a benchmark run: for every record that came from a paced generator (its `partition`
/// names the generator, its `offset` the record's number), records `now − due` in microseconds into an
/// HdrHistogram, then hands the batch to the sink. One clock read per batch: the records of a batch
/// arrive together. Window results carry the position of the record that completed their window, join
/// results their stream record's. Records that no paced generator stamped are counted as unstamped. Used by the sink's thread only; read after the run.
public final class LatencyProbe: StreamOperator, CountingSink {
    let inner: StreamOperator & CountingSink
    let recorder: LatencyRecorder
    /// Latency in µs (3 significant digits, up to an hour).
    public private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    public private(set) var unstamped: Int64 = 0

    init(_ inner: StreamOperator & CountingSink, recorder: LatencyRecorder) {
        self.inner = inner
        self.recorder = recorder
    }

    public var name: String { inner.name }
    public var written: MetricsCounter { inner.written }

    public func process(_ batch: RecordBatch, port: Int) throws {
        let now = Clock.monotonicNanoseconds()
        let schedules = recorder.schedules
        let warmup = recorder.warmupNanoseconds
        for i in 0..<batch.count {
            let r = batch.record(at: i)
            let p = Int(r.pointee.partition)
            guard p >= 0, p < schedules.count, let schedule = schedules[p], let due = schedule.due(offset: r.pointee.offset) else {
                unstamped += 1
                continue
            }
            guard due >= schedule.startNanoseconds + warmup else { continue }
            _ = histogram.record(now > due ? (now - due) / 1000 : 0)
        }
        try inner.process(batch, port: port)
    }

    public func advanceWatermark(to watermark: Int64) throws { try inner.advanceWatermark(to: watermark) }
    public func finish() throws { try inner.finish() }
    public func close() { inner.close() }
}

/// The latency side of a benchmark run: the schedule of each generator (by source index) and a probe per
/// sink; planning fills both, `rivulet bench` merges the probes' histograms after the run.
public final class LatencyRecorder: @unchecked Sendable {
    /// Records due less than this long after their generator started are not recorded (warm-up).
    public let warmupNanoseconds: UInt64
    /// By source index (the `partition` generators stamp): the generator's schedule, nil for other sources.
    var schedules: [PacingSchedule?] = []
    var probes: [LatencyProbe] = []

    public init(warmupNanoseconds: UInt64) {
        self.warmupNanoseconds = warmupNanoseconds
    }

    /// Every probe's histogram merged (µs). Call after the run.
    public func merged() -> Histogram<UInt64> {
        var all = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for p in probes { all.add(p.histogram) }
        return all
    }

    /// Records that reached a sink without a generator's stamp. Call after the run.
    public var unstamped: Int64 { probes.reduce(0) { $0 + $1.unstamped } }
}

/// A sink that counts what it wrote.
public protocol CountingSink: AnyObject {
    var written: MetricsCounter { get }
}
