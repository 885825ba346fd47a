// SchemaGenerator: synthetic records shaped like another source's schema (`rivulet bench --events`).
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletSnapshot

/// Stands in for a manifest's source in a benchmark: `count` records with that source's fields, so the
/// rest of the topology runs unchanged. Record n (offset n, partition = the source's index) gets event
/// time `GeneratorSource.startTime + n` ms (`rv_record.timestamp`, and the time field if it is an epoch
/// number). Field values come from one deterministic draw per record: every string field is `key-<k>`
/// with k among `keys` values (the record key too), integers are in 0..<1000, floats in [0, 1000) with
/// two decimals, booleans alternate at random. Paced like `GeneratorSource`.
public final class SchemaGenerator: CheckpointedSource {
    public let name: String
    public let schema: Schema
    public let schedule: PacingSchedule
    let count: Int
    let partition: Int32
    /// The time field and how many of its units make a millisecond (1000 for µs), or its divisor (s).
    let timeField: (index: Int, scale: Int64, divisor: Int64)?
    private let kinds: [FieldType]
    private var random: SplitMix64
    private var produced = 0
    private let keyBook: GeneratedKeys

    /// `timeField`: the event-time field and its encoding (`epoch_ms`, `epoch_us`, `epoch_s`), if numeric.
    public init(
        name: String, schema: Schema, count: Int, seed: UInt64, keys: Int, rate: Double?, partition: Int32,
        timeField: (index: Int, encoding: TimestampAssigner.Encoding)?
    ) {
        self.name = name
        self.schema = schema
        self.count = count
        self.partition = partition
        schedule = PacingSchedule(rate: rate)
        random = SplitMix64(seed: seed)
        kinds = schema.fields.map(\.type)
        self.timeField = timeField.flatMap { t in
            switch t.encoding {
            case .epochMilliseconds: (t.index, 1, 1)
            case .epochMicroseconds: (t.index, 1000, 1)
            case .epochSeconds: (t.index, 1, 1000)
            case .rfc3339: nil
            }
        }
        keyBook = GeneratedKeys(count: keys)
    }

    public func fill(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool {
        let n = schedule.allowance(produced: produced, wanted: min(batch.capacity - batch.count, count - produced))
        if n > 0 { batch.retain(keyBook.book) }
        let fieldCount = kinds.count
        for _ in 0..<n {
            let r = random.next()
            let key = keyBook.field(r)
            let small = Int64((r >> 32) % 1000)
            let seq = Int64(produced)
            let ts = GeneratorSource.startTime + seq
            _ = batch.appendRow(key: key.value.ptr, keyLength: Int(key.len), timestamp: ts, partition: partition, offset: seq) { row in
                for f in 0..<fieldCount {
                    switch kinds[f] {
                    case .string, .bytes:
                        var field = key
                        field.type = kinds[f].rawValue
                        row[f] = field
                    case .i64: row[f] = .integer(small)
                    case .f64: row[f] = .double(Double((r >> 16) % 100_000) / 100)
                    case .bool: row[f] = .bool(r & 1 == 1)
                    case .timestamp: row[f] = .timestamp(ts)
                    case .null: row[f] = rv_field()
                    }
                }
                if let t = timeField {
                    let value = (ts * t.scale) / t.divisor
                    switch kinds[t.index] {
                    case .i64: row[t.index] = .integer(value)
                    case .timestamp: row[t.index] = .timestamp(value)
                    case .f64: row[t.index] = .double(Double(value))
                    default: break  // a text time field keeps its generated text: the time is the record's timestamp
                    }
                }
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
