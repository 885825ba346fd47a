// RedisLookupOperator: enriches each record with values looked up in Redis, through an LRU + TTL cache.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution

/// For each record, the Redis key `prefix + <key field>` is looked up — `HMGET key f1 f2 …` for a hash,
/// `GET key` for a string — and the values become the record's new fields (typed as declared). Lookups
/// go through an LRU cache (bounded by entries and bytes, entries expire after a TTL; "not found" is
/// cached too); the misses of a batch are deduplicated and sent in pipelines of at most `batchLimit`
/// commands (one round trip each). A key Redis does not have: the record keeps NULL fields (`keep`) or
/// is dropped (`drop`). A failed lookup (server down, timeout): the records that needed it are
/// dead-lettered with the reason and the run goes on (`dead_letter`), or the run stops (`fail`); the
/// connection is reopened for the next batch, so lookups resume when the server is back. A server that
/// refuses us (wrong password, NOAUTH, a certificate not accepted) fails the run whatever `onError`
/// says: `start` checks the connection before the run reads anything, and a refusal on a reconnect
/// later stops it too, rather than dead-lettering every record.
public final class RedisLookupOperator: StreamOperator {
    public enum Command { case hash, string }
    public enum OnError { case deadLetter, fail }

    public let name: String
    public let out: OutputPort
    public let deadLetters: DeadLetterRoute
    let client: RedisClient
    let keyField: Int
    let prefix: [UInt8]
    let command: Command
    let fields: [(name: String, type: FieldType)]
    let inputCount: Int
    let inputSchema: Schema
    let cache: LRUCache
    let batchLimit: Int
    let onError: OnError
    let dropMissing: Bool
    public private(set) var stats = LookupStats()

    public init(
        name: String, client: RedisClient, inputSchema: Schema, keyField: Int, prefix: String, command: Command,
        fields: [(name: String, type: FieldType)], cache: LRUCache, batchLimit: Int, onError: OnError,
        dropMissing: Bool, batchCapacity: Int, deadLetters: DeadLetterRoute
    ) {
        self.name = name
        self.deadLetters = deadLetters
        self.client = client
        self.inputSchema = inputSchema
        self.keyField = keyField
        self.prefix = Array(prefix.utf8)
        self.command = command
        self.fields = fields
        self.cache = cache
        self.batchLimit = max(1, batchLimit)
        self.onError = onError
        self.dropMissing = dropMissing
        inputCount = inputSchema.count
        var schema = inputSchema
        for f in fields { schema.append(FieldDefinition(name: f.name, type: f.type)) }
        out = OutputPort(name: "out", schema: schema, batchCapacity: batchCapacity)
    }

    /// What a lookup found: nil (the key is not in Redis) or one value (or nil) per field.
    typealias Found = [[UInt8]?]?

    public func process(_ batch: RecordBatch, port: Int) throws {
        let now = Clock.nowMilliseconds()
        var keys: [[UInt8]] = []
        keys.reserveCapacity(batch.count)
        var results: [[UInt8]: Found] = [:]
        var missing: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        var nullKeys = Set<Int>()
        for j in 0..<batch.count {
            guard let keyBytes = Self.keyBytes(batch.record(at: j), field: keyField) else {
                // A record without a key: nothing to look up (NULL is not the empty string).
                nullKeys.insert(j)
                keys.append([])
                continue
            }
            let key = prefix + keyBytes
            keys.append(key)
            if !seen.insert(key).inserted {
                stats.hits += 1  // served by the same lookup as an earlier record of the batch
                continue
            }
            if let cached = cache.get(key, now: now) {
                stats.hits += 1
                results[key] = .some(cached.map(Self.decode))
            } else {
                missing.append(key)
            }
        }
        stats.misses += missing.count
        // Records whose key repeats a miss in the same batch are hits of that lookup.
        var failures: [[UInt8]: String] = [:]
        var start = 0
        while start < missing.count {
            let chunk = Array(missing[start..<min(start + batchLimit, missing.count)])
            start += chunk.count
            let commands: [[[UInt8]]] = chunk.map { key in
                switch command {
                case .hash: [Array("HMGET".utf8), key] + fields.map { Array($0.name.utf8) }
                case .string: [Array("GET".utf8), key]
                }
            }
            let began = Clock.monotonicNanoseconds()
            do {
                let replies = try client.pipeline(commands)
                stats.roundTrips += 1
                stats.roundTripNanoseconds += Clock.monotonicNanoseconds() - began
                for (key, result) in zip(chunk, replies) {
                    guard case .success(let reply) = result else {
                        if case .failure(let failure) = result {
                            if onError == .fail || failure.isRejection { throw OperatorFailure(node: name, message: "lookup failed: \(failure)") }
                            failures[key] = "\(failure)"
                        }
                        continue
                    }
                    let found: Found =
                        switch reply {
                        case .list(let values): values.allSatisfy { $0 == nil } ? nil : values
                        case .bytes(let value): [value]
                        default: nil
                        }
                    results[key] = .some(found)
                    cache.put(key, found.map(Self.encode), now: now)
                }
            } catch let failure as OperatorFailure {
                throw failure
            } catch {
                let reason = "\(error)"
                if onError == .fail || (error as? LookupError)?.isRejection == true {
                    throw OperatorFailure(node: name, message: "lookup failed: \(reason)")
                }
                for key in chunk { failures[key] = reason }
            }
        }
        for j in 0..<batch.count {
            let key = keys[j]
            if nullKeys.contains(j) {
                if dropMissing { continue }
                let output = try out.batchForAppending()
                _ = output.appendDerived(from: batch, index: j)
                out.didAppend()
                continue
            }
            if let reason = failures[key] {
                stats.failedRecords += 1
                try deadLetters.send(
                    batch.record(at: j), schema: inputSchema,
                    reason: "lookup of \(String(decoding: key, as: UTF8.self)) failed: \(reason)")
                continue
            }
            let found = results[key] ?? nil
            if found == nil && dropMissing { continue }
            let output = try out.batchForAppending()
            let i = output.appendDerived(from: batch, index: j)
            if let values = found {
                for (f, field) in fields.enumerated() {
                    guard f < values.count, let bytes = values[f] else { continue }
                    if let value = Self.typed(bytes, field.type) {
                        if field.type.isBytesLike {
                            bytes.withUnsafeBytes { output.setBytesField(i, inputCount + f, type: field.type, $0.baseAddress, count: $0.count) }
                        } else {
                            output.setField(i, inputCount + f, value)
                        }
                    }
                }
            }
            out.didAppend()
        }
        try out.flush()
        try deadLetters.errorsPort?.flush()
    }

    static func keyBytes(_ record: UnsafePointer<rv_record>, field: Int) -> [UInt8]? {
        let f = record.pointee.fields[field]
        if f.type == FieldType.string.rawValue || f.type == FieldType.bytes.rawValue {
            return Array(UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)))
        }
        return f.type == FieldType.null.rawValue ? nil : Array(FieldText.render(f).utf8)
    }

    /// A value read from Redis as a field of `type`, or nil when it does not parse (the field stays NULL).
    static func typed(_ bytes: [UInt8], _ type: FieldType) -> rv_field? {
        if type.isBytesLike { return rv_field() }
        return bytes.withUnsafeBytes { raw -> rv_field? in try? FieldText.parse(raw, as: type) }
    }

    static func encode(_ values: [[UInt8]?]) -> [UInt8] {
        var out: [UInt8] = []
        for v in values {
            var length = UInt32(v.map { $0.count } ?? Int(UInt32.max)).littleEndian
            withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
            if let v { out.append(contentsOf: v) }
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> [[UInt8]?] {
        var values: [[UInt8]?] = []
        var at = 0
        while at + 4 <= bytes.count {
            let length = bytes[at..<at + 4].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
            at += 4
            if length == UInt32.max {
                values.append(nil)
            } else {
                values.append(Array(bytes[at..<at + Int(length)]))
                at += Int(length)
            }
        }
        return values
    }

    /// Connects (TLS, AUTH) and pings before the run starts: a refusal fails the run with the server's
    /// message; a server that cannot be reached yet is left to the lookups (dead letters or `fail`).
    public func start() throws {
        do { try client.check() } catch let error as LookupError where error.isRejection {
            throw OperatorFailure(node: name, message: "\(error)")
        } catch {}
    }

    public func advanceWatermark(to watermark: Int64) throws {
        try out.advanceWatermark(to: watermark)
    }

    public func finish() throws {
        try out.flush()
    }

    public func close() {
        client.disconnect()
    }
}
