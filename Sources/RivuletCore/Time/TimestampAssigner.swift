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
    /// The largest timestamp stamped so far.
    public private(set) var maxTimestamp = Int64.min
    private var clock: Int64 = 0

    public init(origin: Origin, bound: Int64, idleTimeout: Int64? = nil) {
        self.origin = origin
        self.bound = max(0, bound)
        self.idleTimeout = idleTimeout
    }

    /// The source's watermark now: every record after this point is expected at or after it, or is late.
    @inlinable
    public var watermark: Int64 { maxTimestamp == .min ? .min : maxTimestamp - bound }

    /// Stamps records `from..<batch.count`. Records whose time cannot be read are returned with the reason
    /// (the caller dead-letters and removes them); the others get their timestamp and watermark.
    public func stamp(_ batch: RecordBatch, from start: Int = 0) -> [(index: Int, reason: String)] {
        var rejected: [(index: Int, reason: String)] = []
        switch origin {
        case .logAppend, .processing:
            clock = Clock.nowMilliseconds()
            for i in start..<batch.count { apply(batch, i, clock) }
        case let .field(index, name, encoding):
            for i in start..<batch.count {
                let f = batch.field(i, index)
                if let t = Self.decode(f, encoding) {
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
        batch.setWatermarkBefore(i, watermark)
        if t > maxTimestamp { maxTimestamp = t }
    }

    /// The time in field `f`, or nil.
    @inline(__always)
    static func decode(_ f: rv_field, _ encoding: Encoding) -> Int64? {
        switch f.type {
        case FieldType.i64.rawValue, FieldType.timestamp.rawValue:
            return scaled(f.value.i64, encoding)
        case FieldType.f64.rawValue:
            let v = f.value.f64
            guard v.isFinite else { return nil }
            let ms: Double = switch encoding {
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
        case .epochMicroseconds: return v >= 0 ? v / 1000 : (v - 999) / 1000
        case .rfc3339: return nil
        }
    }

    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var i = 0, negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        guard i < bytes.count else { return nil }
        var v: Int64 = 0
        while i < bytes.count {
            let c = bytes[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int64(c - 48)
            i += 1
        }
        return negative ? -v : v
    }

    static func reason(_ f: rv_field, name: String, encoding: Encoding) -> String {
        if f.type == FieldType.null.rawValue || (FieldType(rawValue: f.type)?.isBytesLike == true && f.len == 0) {
            return "event time field '\(name)' is empty"
        }
        let text = FieldText.render(f)
        return "event time field '\(name)' is not \(encoding == .rfc3339 ? "an RFC 3339 date-time" : "a number of \(encoding.rawValue)"): '\(text)'"
    }
}
