// Ticker: event-time timers per key, the watermark, and records emitted from timers and flush.
import RivuletPluginKit

/// `ticker`: each record registers an event-time timer at its time + `after` for its key (a repeat of
/// the same (time, key) is one timer); when it fires, `{key, fired_at, watermark}` is emitted. Counts the
/// watermarks it is told about (`watermarks`) and, at the end, emits `{"end", last watermark seen,
/// watermark now}`.
final class Ticker: RivuletOperator {
    static let name = "ticker"

    let after: Int64
    var lastWatermark = Int64.min
    let watermarks: Counter

    init(context: OperatorContext) throws {
        after = try context.configuration.required("after")
        watermarks = context.counter("watermarks")
        try context.setOutputFields([("key", .string), ("fired_at", .i64), ("watermark", .i64)])
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        for record in batch {
            try context.registerTimer(.event, at: record.timestamp + after, key: record.key)
        }
    }

    func onTimer(_ domain: TimeDomain, time: Int64, key: [UInt8], context: OperatorContext) throws {
        try context.emit(key: key, timestamp: time) { row in
            row.set(0, string: String(decoding: key, as: UTF8.self))
            row.set(1, int: time)
            row.set(2, int: context.watermark)
        }
    }

    func onWatermark(_ watermark: Int64, context: OperatorContext) throws {
        lastWatermark = watermark
        watermarks.add()
    }

    func flush(context: OperatorContext) throws {
        try context.emit(fields: [.string("end"), .int(lastWatermark), .int(context.watermark)], key: Array("end".utf8), timestamp: 0)
    }
}
