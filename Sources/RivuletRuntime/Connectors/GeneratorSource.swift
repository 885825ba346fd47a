// GeneratorSource: a deterministic synthetic source (seed, count, keys, rate) for tests and benchmarks.
import CRivulet
import Foundation
import RivuletCore

/// Produces `count` records `{key: string, seq: i64, value: i64, ts: timestamp}`: `key` is `key-<n>` with n
/// drawn from `keys` distinct values, `value` in 0..<1000, `seq` counts from 0, and `ts` starts at
/// 2024-01-01T00:00:00Z and advances 1 ms per record. The same seed gives the same records, always.
/// With a `rate` (records per second) it paces itself against the clock; without one it runs flat out.
public final class GeneratorSource: RecordSource {
    public static let schema = Schema([
        FieldDefinition(name: "key", type: .string), FieldDefinition(name: "seq", type: .i64),
        FieldDefinition(name: "value", type: .i64), FieldDefinition(name: "ts", type: .timestamp),
    ])
    public static let startTime: Int64 = 1_704_067_200_000

    public let name: String
    public var schema: Schema { Self.schema }
    let count: Int
    let keys: Int
    let rate: Double?
    private var state: UInt64
    private var produced = 0
    private var startNanos: UInt64 = 0
    /// One record per distinct key, holding its text: generated records point into it (and every batch
    /// retains it), so keys are never copied per record.
    private let keyBook: RecordBatch

    public init(name: String, count: Int, seed: UInt64, keys: Int, rate: Double?) {
        self.name = name
        self.count = count
        self.keys = max(1, keys)
        self.rate = rate
        state = seed &+ 0x9E37_79B9_7F4A_7C15
        keyBook = RecordBatch(schema: Schema([FieldDefinition(name: "key", type: .string)]), capacity: max(1, keys))
        for k in 0..<max(1, keys) {
            let i = keyBook.appendEmpty()
            keyBook.setStringField(i, 0, "key-\(k)")
        }
    }

    /// splitmix64: a fast, well-distributed deterministic sequence.
    @inline(__always)
    private func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public func fill(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool {
        if startNanos == 0 { startNanos = Clock.monotonicNanoseconds() }
        var n = min(batch.capacity - batch.count, count - produced)
        if let rate {
            // Never run ahead of the schedule: emit only what is due, then wait for the next record's time.
            let due = Int(Double(Clock.monotonicNanoseconds() - startNanos) / 1e9 * rate) + 1 - produced
            if due <= 0 {
                let wait = (Double(produced) / rate) * 1e9 - Double(Clock.monotonicNanoseconds() - startNanos)
                if wait > 0 { usleep(UInt32(min(wait / 1000, 100_000))) }
                return produced < count
            }
            n = min(n, due)
        }
        if n > 0 { batch.retain(keyBook) }
        for _ in 0..<n {
            let r = nextRandom()
            let key = keyBook.field(Int(r % UInt64(keys)), 0)
            let seq = Int64(produced)
            let ts = Self.startTime + seq
            _ = batch.appendRow(key: key.value.ptr, keyLength: Int(key.len), timestamp: ts, partition: 0, offset: seq) { row in
                row[0] = key
                row[1] = .integer(seq)
                row[2] = .integer(Int64((r >> 32) % 1000))
                row[3] = .timestamp(ts)
            }
            produced += 1
        }
        return produced < count
    }

    public func close() {}
}
