// TimestampAssigner: stamps each record's time at its source and the watermark in effect before it.
import CRivulet

/// Assigns record timestamps (event time from a field, log-append time, or processing time) and generates
/// bounded-out-of-orderness watermarks, per record: the watermark is the largest timestamp seen so far
/// minus `bound`, and each record carries the watermark in effect *before* it (so a record is checked
/// against the watermark before it raises it — Flink's rule — whatever the batch boundaries).
/// Used by its source's thread only.
public final class TimestampAssigner {
    /// Where timestamps come from.
    public enum Origin {
        /// Field `index` of the record, in `encoding`.
        case field(index: Int, name: String, encoding: Encoding)
        /// The time the source received the record (read once per batch).
        case logAppend
        /// The host's clock when the record is read (once per batch).
        case processing
        /// Already in each record's `timestamp`, set by the source itself (generators): only watermarks
        /// are computed.
        case recordTimestamp
        /// Records carry their time, and the source sets each record's watermark itself from `watermarks`
        /// (a repartition topic's reader: watermarks travel in the topic, from its writers).
        case stampedBySource(WatermarkProvider)
        /// Computed per record by `extract` (a plugin's function): epoch ms, or the reason it failed.
        case computed(name: String, extract: (UnsafePointer<rv_record>) -> Result<Int64, ExtractionFailure>)
    }

    /// Why an extractor could not compute a record's time. `fatal`: the extractor cannot go on at all
    /// (a plugin's RV_FATAL): the run stops instead of dead-lettering the record.
    public struct ExtractionFailure: Error {
        public let message: String
        public let fatal: Bool
        public init(_ message: String, fatal: Bool = false) {
            self.message = message
            self.fatal = fatal
        }
    }

    /// How an event-time field is written.
    public enum Encoding: String {
        case epochSeconds = "epoch_s", epochMilliseconds = "epoch_ms", epochMicroseconds = "epoch_us", rfc3339
    }

    public let origin: Origin
    /// Bounded out-of-orderness, ms.
    public let bound: Int64
    /// After this long without input, the source's consumers treat it as idle (ms); nil: never.
    public let idleTimeout: Int64?
    /// The largest timestamp stamped so far. (Updated per record by the source's thread only: no dynamic
    /// exclusivity checks.)
    @exclusivity(unchecked) public private(set) var maxTimestamp = Int64.min
    @exclusivity(unchecked) private var clock: Int64 = 0
    /// Per-partition watermarks (a Kafka source's), or nil: one watermark over every record.
    public let partitions: PartitionWatermarks?
    /// The watermark of a source that sets it itself (`stampedBySource`).
    public let provider: WatermarkProvider?

    /// `perPartition`: the watermark is the minimum over the records' partitions (`PartitionWatermarks`),
    /// for event time (a field, an extractor, or the time each record carries).
    public init(origin: Origin, bound: Int64, idleTimeout: Int64? = nil, perPartition: Bool = false) {
        self.origin = origin
        self.bound = max(0, bound)
        self.idleTimeout = idleTimeout
        switch origin {
        case .logAppend, .processing: partitions = nil
        case .stampedBySource: partitions = nil
        default: partitions = perPartition ? PartitionWatermarks(bound: bound, idleTimeout: idleTimeout) : nil
        }
        if case .stampedBySource(let p) = origin { provider = p } else { provider = nil }
        switch origin {
        case .logAppend, .processing: clockSlack = 1
        default: clockSlack = 0
        }
    }

    /// Continues from a checkpoint: the largest timestamp stamped before it (so records replayed after it
    /// are judged late exactly as in a run that never stopped).
    public func restore(maxTimestamp: Int64) { self.maxTimestamp = maxTimestamp }

    /// The source's watermark now: every record after this point is expected at or after it, or is late.
    @inlinable
    public var watermark: Int64 {
        if let partitions { return partitions.watermark }
        if let provider { return provider.watermark }
        return maxTimestamp == .min ? .min : maxTimestamp - bound - clockSlack
    }

    /// 1 for clock-stamped origins: many records share a millisecond there, and one stamped in the same
    /// millisecond as the watermark must not be late (Flink's `max − B − 1`); 0 for event time, whose
    /// rule (`max − B`) the windows issue fixes.
    @usableFromInline let clockSlack: Int64

    /// Processing and log-append time only: the clock has reached now, so every later record will be
    /// stamped at or after it — the watermark may follow the clock even while no record arrives (so
    /// processing-time windows close on time). Call between batches, after the previous one was sent.
    public func observeClock() {
        switch origin {
        case .logAppend, .processing:
            let now = Clock.nowMilliseconds()
            if now > maxTimestamp { maxTimestamp = now }
        default:
            return
        }
    }

    /// Stamps records `from..<batch.count`. Records whose time cannot be read are returned with the reason
    /// (the caller dead-letters and removes them); the others get their timestamp and watermark.
    public func stamp(_ batch: RecordBatch, from start: Int = 0) throws(ExtractionFailure) -> [(index: Int, reason: String)] {
        var rejected: [(index: Int, reason: String)] = []
        if let partitions {
            clock = Clock.nowMilliseconds()
            partitions.refresh(now: clock)
        }
        switch origin {
        case .logAppend, .processing:
            // Never behind what was stamped before, even if the wall clock steps back.
            clock = max(Clock.nowMilliseconds(), maxTimestamp)
            for i in start..<batch.count { apply(batch, i, clock) }
        case .stampedBySource(let provider):
            provider.refresh(now: Clock.nowMilliseconds())
            for i in start..<batch.count where !Self.inRange(batch.record(at: i).pointee.timestamp) {
                rejected.append((i, "event time is out of range: \(batch.record(at: i).pointee.timestamp)"))
            }
        case .recordTimestamp:
            for i in start..<batch.count {
                let t = batch.record(at: i).pointee.timestamp
                guard Self.inRange(t) else {
                    rejected.append((i, "event time is out of range: \(t)"))
                    continue
                }
                if let partitions {
                    batch.setWatermarkBefore(i, partitions.watermark)
                    partitions.observe(batch.record(at: i).pointee.partition, t, now: clock)
                } else {
                    batch.setWatermarkBefore(i, watermark)
                }
                if t > maxTimestamp { maxTimestamp = t }
            }
        case let .computed(name, extract):
            for i in start..<batch.count {
                switch extract(batch.record(at: i)) {
                case .success(let t) where Self.inRange(t): apply(batch, i, t)
                case .success(let t): rejected.append((i, "event time from \(name) is out of range: \(t)"))
                case .failure(let failure) where failure.fatal:
                    throw ExtractionFailure("event time from \(name): \(failure.message)", fatal: true)
                case .failure(let failure): rejected.append((i, "event time from \(name): \(failure.message)"))
                }
            }
        case let .field(index, name, encoding):
            for i in start..<batch.count {
                let f = batch.field(i, index)
                if let t = Self.decode(f, encoding), Self.inRange(t) {
                    apply(batch, i, t)
                } else {
                    rejected.append((i, Self.reason(f, name: name, encoding: encoding)))
                }
            }
        }
        return rejected
    }

    @inline(__always)
    private func apply(_ batch: RecordBatch, _ i: Int, _ t: Int64) {
        batch.setTimestamp(i, t)
        if let partitions {
            batch.setWatermarkBefore(i, partitions.watermark)
            partitions.observe(batch.record(at: i).pointee.partition, t, now: clock)
        } else {
            batch.setWatermarkBefore(i, watermark)
        }
        if t > maxTimestamp { maxTimestamp = t }
    }

    /// Times are kept within ±2^62 ms (±146 million years) so that window arithmetic (start + size,
    /// end − 1 + grace, with durations capped at 100 years by the manifest) can never overflow.
    public static let limit: Int64 = 1 << 62

    @inline(__always)
    static func inRange(_ t: Int64) -> Bool { t > -limit && t < limit }

    /// The time in field `f`, or nil.
    @inline(__always)
    static func decode(_ f: rv_field, _ encoding: Encoding) -> Int64? {
        switch f.type {
        case FieldType.timestamp.rawValue:
            // A timestamp field holds epoch milliseconds whatever its text was (an RFC 3339 one included).
            return encoding == .rfc3339 ? f.value.i64 : scaled(f.value.i64, encoding)
        case FieldType.i64.rawValue:
            return scaled(f.value.i64, encoding)
        case FieldType.f64.rawValue:
            let v = f.value.f64
            guard v.isFinite else { return nil }
            let ms: Double =
                switch encoding {
                case .epochSeconds: v * 1000
                case .epochMicroseconds: v / 1000
                default: v
                }
            guard abs(ms) < 9e15 else { return nil }
            return Int64(ms.rounded(.down))
        case FieldType.string.rawValue, FieldType.bytes.rawValue:
            let bytes = UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len))
            if encoding == .rfc3339 { return RFC3339.milliseconds(bytes) }
            guard let v = integer(bytes) else { return nil }
            return scaled(v, encoding)
        default:
            return nil
        }
    }

    @inline(__always)
    static func scaled(_ v: Int64, _ encoding: Encoding) -> Int64? {
        switch encoding {
        case .epochMilliseconds: return v
        case .epochSeconds:
            let (r, o) = v.multipliedReportingOverflow(by: 1000)
            return o ? nil : r
        case .epochMicroseconds: return v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1
        case .rfc3339: return nil
        }
    }

    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        FieldText.parseInt(bytes)
    }

    static func reason(_ f: rv_field, name: String, encoding: Encoding) -> String {
        if f.type == FieldType.null.rawValue || (FieldType(rawValue: f.type)?.isBytesLike == true && f.len == 0) {
            return "event time field '\(name)' is empty"
        }
        if let t = decode(f, encoding), !inRange(t) { return "event time field '\(name)' is out of range: \(t) ms" }
        let text = FieldText.render(f)
        return "event time field '\(name)' is not \(encoding == .rfc3339 ? "an RFC 3339 date-time" : "a number of \(encoding.rawValue)"): '\(text)'"
    }
}
