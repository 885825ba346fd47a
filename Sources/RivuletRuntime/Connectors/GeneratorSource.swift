// GeneratorSource: a deterministic synthetic source (seed, count, keys, rate) for tests and benchmarks.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletSnapshot

/// Produces `count` records `{key: string, seq: i64, value: i64, ts: timestamp}`: `key` is `key-<n>` with n
/// drawn from `keys` distinct values, `value` in 0..<1000, `seq` counts from 0, and `ts` starts at
/// 2024-01-01T00:00:00Z and advances 1 ms per record. The same seed gives the same records, always.
/// With a `rate` (records per second) it paces itself against the clock; without one it runs flat out.
public final class GeneratorSource: CheckpointedSource {
    public static let schema = Schema([
        FieldDefinition(name: "key", type: .string), FieldDefinition(name: "seq", type: .i64),
        FieldDefinition(name: "value", type: .i64), FieldDefinition(name: "ts", type: .timestamp),
    ])
    public static let startTime: Int64 = 1_704_067_200_000

    public let name: String
    public var schema: Schema { Self.schema }
    let count: Int
    /// When records are due (paced by `rate`); latency probes read it too.
    public let schedule: PacingSchedule
    /// The `partition` of every record: the source's index, so latency probes find its schedule.
    let partition: Int32
    private var random: SplitMix64
    private var produced = 0
    private let keyBook: GeneratedKeys

    public init(name: String, count: Int, seed: UInt64, keys: Int, rate: Double?, partition: Int32 = 0) {
        self.name = name
        self.count = count
        self.partition = partition
        schedule = PacingSchedule(rate: rate)
        random = SplitMix64(seed: seed)
        keyBook = GeneratedKeys(count: keys)
    }

    public func fill(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool {
        // Never run ahead of the schedule: emit only what is due (or wait for the next record's time).
        let n = schedule.allowance(produced: produced, wanted: min(batch.capacity - batch.count, count - produced))
        if n > 0 { batch.retain(keyBook.book) }
        for _ in 0..<n {
            let r = random.next()
            let key = keyBook.field(r)
            let seq = Int64(produced)
            let ts = Self.startTime + seq
            _ = batch.appendRow(key: key.value.ptr, keyLength: Int(key.len), timestamp: ts, partition: partition, offset: seq) { row in
                row[0] = key
                row[1] = .integer(seq)
                row[2] = .integer(Int64((r >> 32) % 1000))
                row[3] = .timestamp(ts)
            }
            produced += 1
        }
        return produced < count
    }

    // MARK: checkpoints

    /// The same records follow from the same count and random state.
    public var isReplayable: Bool { true }

    public func snapshotPosition(into writer: inout SnapshotWriter) throws {
        writer.write(produced)
        writer.write(random.rawState)
    }

    public func restorePosition(from reader: inout SnapshotReader) throws {
        produced = try reader.readInt(in: 0...count, "the records produced")
        random = SplitMix64(rawState: try reader.readUInt64())
        schedule.resume(at: produced)
    }

    public func close() {}
}
