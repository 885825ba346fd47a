// Silence: reports keys that went quiet: no record for `timeout` ms of event time after their last one.
import RivuletPluginKit

/// `silence`: for every key, an event-time timer at (latest time seen + `timeout`); when the watermark
/// passes it with no newer record, emits `{key, last_seen, silent_at}` (heartbeat monitoring, idle
/// sessions). Each new record of a key moves its timer. Uses the timer service and emits new records.
/// Stateful: the latest time per key is kept in the instance.
final class Silence: RivuletOperator {
    static let name = "silence"
    static let summary = "Emits {key, last_seen, silent_at} when a key sends nothing for `timeout` ms of event time"
    static let configKeys = [ConfigKey("timeout", "milliseconds of event time without a record", type: .i64, required: true)]
    static let isStateless = false

    let timeout: Int64
    /// Latest event time seen per key.
    var lastSeen: [[UInt8]: Int64] = [:]

    init(context: OperatorContext) throws {
        let config = try context.configuration
        // At most 100 years, so that last-seen time + timeout cannot overflow (times are within ±2^62).
        guard let timeout = try? config.value("timeout", as: Int64.self), timeout > 0, timeout <= 3_155_760_000_000 else {
            throw PluginFailure("silence: 'timeout' must be a number of milliseconds from 1 to 100 years, got '\(config["timeout"]?.string ?? "")'")
        }
        self.timeout = timeout
        try context.setOutputFields([("key", .string), ("last_seen", .i64), ("silent_at", .i64)])
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        for record in batch {
            let key = Array(record.key)
            let previous = lastSeen[key]
            let latest = max(previous ?? .min, record.timestamp)
            if let previous, previous == latest { continue }
            if let previous { try context.deleteTimer(.event, at: previous + timeout, key: key) }
            lastSeen[key] = latest
            try context.registerTimer(.event, at: latest + timeout, key: key)
        }
    }

    func onTimer(_ domain: TimeDomain, time: Int64, key: [UInt8], context: OperatorContext) throws {
        guard let last = lastSeen[key], last + timeout == time else { return }
        lastSeen[key] = nil
        try context.emit(key: key, timestamp: time) { row in
            key.withUnsafeBytes { row.set(0, utf8: $0) }
            row.set(1, int: last)
            row.set(2, int: time)
        }
    }
}
