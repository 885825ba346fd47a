// Tally: counts records per key in a host store (the Swift twin of the C fixture `stores.c`).
import RivuletPluginKit

/// `tally`: per record, the count of its key in store `store` (default `counts`) goes up by one — or the
/// key is deleted when field `action` is "del" — and `{key, count}` is emitted on `out`; at the end the
/// store is scanned (`scan: { prefix: … }` or `scan: { from: …, to: … }`, `to` optional) onto `dump`.
/// `open_also: <store>` opens a second store and reports the host's refusal in its own words.
/// Does not say whether it is stateless: the SDK's default, stateful, is right for it.
final class Tally: RivuletOperator {
    static let name = "tally"
    static let outputs = ["out", "dump"]

    let counts: Store
    let action: Int?
    let scan: ConfigMap
    let tallied: Counter

    init(context: OperatorContext) throws {
        let config = try context.configuration
        counts = try context.store(try config.value("store", as: String.self) ?? "counts")
        if let other = try config.value("open_also", as: String.self) {
            // A refused service call, caught: HostStatus carries the host's reason (last_error, ABI 1.2).
            do { _ = try context.store(other) } catch let refused as HostStatus { throw PluginFailure("tally: \(refused)") }
        }
        action = context.inputField("action")
        scan = try config.value("scan", as: ConfigMap.self) ?? ConfigMap(entries: [])
        tallied = context.counter("tallied")
        try context.setOutputFields([("key", .string), ("count", .i64)])
        try context.setOutputFields([("key", .string), ("count", .i64)], port: 1)
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        for record in batch {
            if let action, record.string(action) == "del" {
                try counts.delete(record.key)
                continue
            }
            let n = (try counts.get(record.key, as: Int64.self) ?? 0) + 1
            try counts.put(record.key, value: n)
            try context.emit(record) { row in
                row.set(0, utf8: record.key)
                row.set(1, int: n)
            }
        }
        tallied.add(Int64(batch.count))
    }

    func flush(context: OperatorContext) throws {
        let entries: StoreScan
        if let prefix = try scan.value("prefix", as: String.self) {
            entries = try counts.scan(prefix: prefix.utf8)
        } else if let to = try scan.value("to", as: String.self) {
            entries = try counts.scan(from: (try scan.value("from", as: String.self) ?? "").utf8, to: to.utf8)
        } else {
            entries = try counts.scan(from: (try scan.value("from", as: String.self) ?? "").utf8)
        }
        for entry in entries {
            try context.emit(key: entry.key, timestamp: 0, port: 1) { row in
                row.set(0, string: entry.keyString)
                row.set(1, int: entry.value(as: Int64.self) ?? -1)
            }
        }
    }
}
