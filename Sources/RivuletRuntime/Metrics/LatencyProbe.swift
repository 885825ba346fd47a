// LatencyProbe: records, at a sink, how long after its due time each generated record arrived.
import Histogram
import RivuletCore
import RivuletExecution
import RivuletKafka
import RivuletSnapshot

/// Wraps a sink in a benchmark run: for every record that came from a paced generator (its `partition`
/// names the generator, its `offset` the record's number), records `now − due` in microseconds into an
/// HdrHistogram, then hands the batch to the sink. One clock read per batch: the records of a batch
/// arrive together. Window results carry the position of the record that completed their window, join
/// results their stream record's. Records that no paced generator stamped are counted as unstamped. Used by the sink's thread only; read after the run.
/// Everything else goes straight to the sink; a sink that takes part in checkpoints (the two-phase-commit
/// file sink of a checkpointed run) is wrapped by a subclass that forwards those calls too (`wrapping`).
public class LatencyProbe: StreamOperator, CountingSink {
    let inner: StreamOperator & CountingSink
    let recorder: LatencyRecorder
    /// Latency in µs (3 significant digits, up to an hour).
    public private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    public private(set) var unstamped: Int64 = 0

    init(_ inner: StreamOperator & CountingSink, recorder: LatencyRecorder) {
        self.inner = inner
        self.recorder = recorder
    }

    /// A probe around `sink`: one that is itself a `CheckpointCommitting` (or `CheckpointedOperator`)
    /// forwarding to the sink when the sink is one, so the checkpoint coordinator still saves and commits it.
    static func wrapping(_ sink: StreamOperator & CountingSink, recorder: LatencyRecorder) -> LatencyProbe {
        if let committing = sink as? CheckpointCommitting & CountingSink {
            return CommittingLatencyProbe(committing, recorder: recorder)
        }
        if let checkpointed = sink as? CheckpointedOperator & CountingSink {
            return CheckpointedLatencyProbe(checkpointed, recorder: recorder)
        }
        return LatencyProbe(sink, recorder: recorder)
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

    public func start() throws { try inner.start() }
    public func advanceWatermark(to watermark: Int64) throws { try inner.advanceWatermark(to: watermark) }
    public func advanceProcessingTime(to now: Int64) throws { try inner.advanceProcessingTime(to: now) }
    public func finish() throws { try inner.finish() }
    public func close() { inner.close() }
}

/// A latency probe around a sink with checkpointed state: its state is the sink's.
final class CheckpointedLatencyProbe: LatencyProbe, CheckpointedOperator {
    private let checkpointed: CheckpointedOperator

    init(_ sink: CheckpointedOperator & CountingSink, recorder: LatencyRecorder) {
        checkpointed = sink
        super.init(sink, recorder: recorder)
    }

    func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try checkpointed.snapshotState(into: &snapshot, checkpoint: checkpoint)
    }

    func restoreState(from restore: OperatorRestore) throws { try checkpointed.restoreState(from: restore) }
    var isRescalable: Bool { checkpointed.isRescalable }
}

/// A latency probe around a two-phase-commit sink: its state is the sink's, and so are its commits.
final class CommittingLatencyProbe: LatencyProbe, CheckpointCommitting {
    private let committing: CheckpointCommitting

    init(_ sink: CheckpointCommitting & CountingSink, recorder: LatencyRecorder) {
        committing = sink
        super.init(sink, recorder: recorder)
    }

    func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try committing.snapshotState(into: &snapshot, checkpoint: checkpoint)
    }

    func restoreState(from restore: OperatorRestore) throws { try committing.restoreState(from: restore) }
    var isRescalable: Bool { committing.isRescalable }
    func commit(checkpoint id: UInt64) throws { try committing.commit(checkpoint: id) }
    var isTransactional: Bool { committing.isTransactional }
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
extension KafkaSink: CountingSink {}
