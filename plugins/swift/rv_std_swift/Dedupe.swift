// Dedupe: passes on the first record of each id; later ones within `ttl` of event time go to `duplicates`.
import RivuletPluginKit

/// `dedupe`: at-least-once sources deliver some records twice; this keeps the first delivery of each id
/// (`id_field`, or the record key) on `out` and sends every later one less than `ttl` ms of event time
/// after it to `duplicates`; a delivery `ttl` or more after the first is a new first delivery. The first
/// time of each id lives in a host store (`store`, default `seen`), so a RocksDB store with a changelog
/// keeps them across restarts; each id gets an event-time timer at first time + `ttl` that removes it once
/// the watermark passes, so the store holds only the ids of about the last `ttl`. Decisions depend on the
/// records' times only, not on how the input is cut into batches — except for a repeat so late that the
/// watermark had already passed its first time + `ttl`: its id is forgotten and it passes as new.
///
/// Uses what a stateful SDK operator needs: a store opened in `init`, event-time timers, a counter
/// registered once, and `forward(_:selected:)` — records pass on unchanged, one host call per port.
final class Dedupe: RivuletOperator {
    static let name = "dedupe"
    static let summary = "Passes on the first record of each id; repeats less than `ttl` ms of event time after it go to `duplicates`"
    static let outputs = ["out", "duplicates"]
    static let configKeys = [
        ConfigKey("ttl", "how long an id is remembered: milliseconds of event time after its first record", type: .i64, required: true),
        ConfigKey("id_field", "the string, bytes or i64 field identifying a record (default: the record key)", type: .string),
        ConfigKey("store", "the store (listed in the operator's `stores`) that keeps the ids seen (default: seen)", type: .string),
    ]
    static let isStateless = false

    let ttl: Int64
    let idField: Int?
    let seen: Store
    let duplicatesPort: Int
    let duplicates: Counter
    /// The batch's first deliveries and repeats, by index (reused: no allocation once grown).
    var firsts: [Int] = []
    var repeats: [Int] = []

    init(context: OperatorContext) throws {
        let config = try context.configuration
        ttl = try config.required("ttl")
        guard ttl > 0, ttl <= 3_155_760_000_000 else { throw PluginFailure("dedupe: 'ttl' must be from 1 ms to 100 years, got \(ttl)") }
        if let name = try config.value("id_field", as: String.self) {
            guard let i = context.inputField(name), [.string, .bytes, .i64].contains(context.inputKind(i)) else {
                throw PluginFailure("dedupe: 'id_field' must name a string, bytes or i64 input field, got '\(name)'")
            }
            idField = i
        } else {
            idField = nil
        }
        seen = try context.store(try config.value("store", as: String.self) ?? "seen")
        duplicatesPort = context.outputPort("duplicates")!
        duplicates = context.counter("duplicates")
    }

    /// Calls `body` with the id of `record`: its id field's bytes (an i64's eight bytes), or its key.
    private func withID<R>(_ record: Record, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let field = idField else { return try body(record.key) }
        if let bytes = record.bytes(field) { return try body(bytes) }
        if let value = record.int(field) { return try withUnsafeBytes(of: value, body) }
        throw RecordError(index: record.index, "dedupe: the id field is NULL")
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        firsts.removeAll(keepingCapacity: true)
        repeats.removeAll(keepingCapacity: true)
        do {
            for record in batch {
                try withID(record) { id in
                    if let first = try seen.get(id, as: Int64.self), abs(record.timestamp - first) < ttl {
                        repeats.append(record.index)
                    } else {
                        try seen.put(id, value: record.timestamp)
                        try context.registerTimer(.event, at: record.timestamp + ttl, key: id)
                        firsts.append(record.index)
                    }
                }
            }
        } catch let error as RecordError {
            // The records before the failing one are decided: pass them on first, as the error contract asks.
            try pass(batch, context)
            throw error
        }
        try pass(batch, context)
    }

    private func pass(_ batch: Batch, _ context: OperatorContext) throws {
        try context.forward(batch, selected: firsts)
        try context.forward(batch, selected: repeats, port: duplicatesPort)
        if !repeats.isEmpty { duplicates.add(Int64(repeats.count)) }
    }

    /// The watermark passed first time + ttl for `key`: forget it (unless it was seen anew since).
    func onTimer(_ domain: TimeDomain, time: Int64, key: [UInt8], context: OperatorContext) throws {
        guard let first = try seen.get(key, as: Int64.self), first + ttl <= time else { return }
        try seen.delete(key)
    }
}
