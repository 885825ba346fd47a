// JoinCheckpointFixtures: what the join checkpoint tests drive: collecting edges, join subjects, seeded inputs.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletJoins
import RivuletSnapshot
import RivuletState
import Testing

/// Collects what an output port sends: every record as text (all it carries), and watermarks.
final class CollectingEdge: Edge {
    let name = "collector"
    /// In order: records (with the watermark before each) and watermarks.
    var items: [String] = []
    /// Records only, without their watermark: what a parallel run must produce as a multiset.
    var contents: [String] = []
    var isFused: Bool { false }

    func send(_ batch: RecordBatch) throws {
        for i in 0..<batch.count {
            let text = Self.describe(batch.record(at: i))
            items.append("\(text) w=\(batch.watermarkBefore(i))")
            contents.append(text)
        }
    }

    func sendWatermark(_ watermark: Int64) throws { items.append("W \(watermark)") }
    func sendEndOfStream() throws {}
    func sendBarrier(_ id: UInt64) throws {}

    static func describe(_ record: UnsafePointer<rv_record>) -> String {
        let r = record.pointee
        var text = "op=\(r.op) t=\(r.timestamp) p=\(r.partition) o=\(r.offset) k=\(hex(r.key, Int(r.key_len))) v=\(hex(r.value, Int(r.value_len)))"
        for f in 0..<Int(r.field_count) {
            let v = r.fields[f]
            if v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue {
                text += " \(v.type):\(hex(v.value.ptr, Int(v.len)))"
            } else if v.type == FieldType.null.rawValue {
                text += " null"
            } else {
                text += " \(v.type):\(v.value.i64)"
            }
        }
        return text
    }

    static func hex(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> String {
        guard let bytes, count > 0 else { return "" }
        return (0..<count).map { String(bytes[$0], radix: 16) }.joined(separator: ".")
    }
}

/// A small, seeded, platform-independent generator.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

enum Value {
    case s(String), i(Int64), null
}

struct Input {
    var time: Int64
    var fields: [Value]
    var key: String?
    var op: UInt32
    var watermark: Int64
    var offset: Int64
}

enum Step {
    case batch(port: Int, records: [Input], cap: Int64)
    case watermark(Int64)
}

/// One operator instance under test, with its output ports (`out`, then the late ports) and its store.
struct Harness {
    let op: CheckpointedOperator
    let ports: [OutputPort]
    let store: KeyValueStore?
    /// The counters the operator keeps (matched records, pairs, changes).
    let counters: () -> [Int]
    var buffered: Int { (op as? JoinOperator)?.bufferedRecords ?? 0 }
}

/// An operator to test: its inputs, how to make instances, how to make records.
struct Subject: CustomStringConvertible, @unchecked Sendable {
    let description: String
    let schemas: [Schema]
    /// Per input, the field records are partitioned by (the join key).
    let keyFields: [Int]
    /// Makes an instance, using `store` if given (the store is checkpointed elsewhere: carried over).
    let make: (_ store: KeyValueStore?, _ stamps: Bool) -> Harness
    /// The fields, key and op of a record of input `port`.
    let record: (_ rng: inout SplitMix, _ port: Int, _ time: Int64) -> (fields: [Value], key: String?, op: UInt32)
}

func route(_ schema: Schema) -> DeadLetterRoute {
    DeadLetterRoute(node: "j", sink: CollectedDeadLetters(), errorsPort: nil, inputSchema: schema)
}

func string(_ name: String) -> FieldDefinition { FieldDefinition(name: name, type: .string) }
func int(_ name: String) -> FieldDefinition { FieldDefinition(name: name, type: .i64) }

func pick(_ rng: inout SplitMix, _ prefix: String, _ n: Int, empty: Int = 0) -> Value {
    rng.chance(empty) ? .s("") : .s("\(prefix)\(rng.below(n))")
}

func key(_ v: Value) -> String? {
    if case .s(let s) = v { return s }
    return nil
}

enum Subjects {
    static func streamTable(_ kind: JoinKind) -> Subject {
        let left = Schema([string("user"), int("amount")])
        let right = Schema([string("user"), string("name"), int("t")])
        return Subject(
            description: "stream-table \(kind)", schemas: [left, right], keyFields: [0, 0],
            make: { store, stamps in
                let j = StreamTableJoin(
                    name: "st", kind: kind, left: left, right: right, leftKey: 0, rightKey: 0, rightTime: 2, batchCapacity: 7,
                    deadLetters: route(left))
                if let store { j.table = store }
                j.stampsResultPositions = stamps
                return Harness(op: j, ports: [j.out, j.lateLeft, j.lateRight], store: j.table) { [j.matched, j.unmatched] }
            },
            record: { rng, port, time in
                if port == 0 {
                    let user = pick(&rng, "u", 6, empty: 10)
                    return ([user, .i(Int64(rng.below(100)))], key(user), RV_OP_INSERT)
                }
                let user = pick(&rng, "u", 6, empty: 4)
                if rng.chance(10) { return ([user, .null, .i(time)], nil, RV_OP_DELETE) }
                if rng.chance(10) { return ([user, .null, .i(time)], nil, RV_OP_INSERT) }
                return ([user, .s("n\(rng.below(3))"), .i(time)], nil, RV_OP_INSERT)
            })
    }

    /// A foreign-key join (orders → customers), or with `primaryKey` a join on the order id on both sides.
    /// `stableForeignKeys`: an order always points at the same customer (a parallel FK join needs it).
    static func tableTable(_ kind: JoinKind, primaryKey: Bool, stableForeignKeys: Bool = false) -> Subject {
        let left = Schema([string("order"), string("customer"), int("qty"), int("t")])
        let right = Schema([string("customer"), string("cname")])
        return Subject(
            description: "table-table \(kind)\(primaryKey ? " pk" : " fk")", schemas: [left, right], keyFields: [primaryKey ? 0 : 1, 0],
            make: { _, stamps in
                let j = TableTableJoin(
                    name: "tt", kind: kind, left: left, right: right, leftPK: 0, leftFK: primaryKey ? 0 : 1, rightKey: 0, leftTime: 3,
                    rightTime: nil, batchCapacity: 5, deadLetters: route(left))
                j.stampsResultPositions = stamps
                return Harness(op: j, ports: [j.out, j.lateLeft, j.lateRight], store: nil) { [] }
            },
            record: { rng, port, time in
                if port == 0 {
                    let n = rng.below(8)
                    let order: Value = rng.chance(3) ? .s("") : .s("o\(n)")
                    let customer: Value =
                        stableForeignKeys ? .s("c\(n % 4)") : rng.chance(10) ? .null : pick(&rng, "c", 4)
                    // A parallel FK join routes a left row by its foreign key: a delete must carry it (a
                    // tombstone, all fields empty, cannot).
                    if rng.chance(5) { return ([order, stableForeignKeys ? customer : .null, .null, .i(time)], nil, RV_OP_DELETE) }
                    if !stableForeignKeys && rng.chance(8) { return ([order, .null, .null, .i(time)], nil, RV_OP_INSERT) }
                    return ([order, customer, .i(Int64(rng.below(3))), .i(time)], nil, RV_OP_INSERT)
                }
                let k = primaryKey ? pick(&rng, "o", 9) : pick(&rng, "c", 5, empty: 3)
                if rng.chance(8) { return ([k, .null], nil, RV_OP_DELETE) }
                if rng.chance(8) { return ([k, .null], nil, RV_OP_INSERT) }
                return ([k, .s("N\(rng.below(3))")], nil, RV_OP_INSERT)
            })
    }

    static func streamStream(_ kind: JoinKind) -> Subject {
        let left = Schema([int("k"), string("a")])
        let right = Schema([int("k"), string("b")])
        return Subject(
            description: "stream-stream \(kind)", schemas: [left, right], keyFields: [0, 0],
            make: { _, stamps in
                let j = StreamStreamJoin(
                    name: "ss", kind: kind, left: left, right: right, leftKey: 0, rightKey: 0, within: 5, grace: 2, batchCapacity: 6,
                    deadLetters: route(left))
                j.stampsResultPositions = stamps
                return Harness(op: j, ports: [j.out, j.lateLeft, j.lateRight], store: nil) { [j.pairs] }
            },
            record: { rng, port, time in
                let k: Value = rng.chance(8) ? .null : .i(Int64(rng.below(5)) * 1_000_003)
                return ([k, .s("\(port == 0 ? "a" : "b")\(rng.below(1000))")], nil, RV_OP_INSERT)
            })
    }

    static let table: Subject = {
        let schema = Schema([string("k"), int("v"), int("t")])
        return Subject(
            description: "table", schemas: [schema], keyFields: [0],
            make: { store, stamps in
                let t = TableOperator(name: "tab", schema: schema, key: 0, timeField: 2, batchCapacity: 4, deadLetters: route(schema))
                if let store { t.store = store }
                t.stampsResultPositions = stamps
                return Harness(op: t, ports: [t.out], store: t.store) { [t.changes] }
            },
            record: { rng, _, time in
                let k = pick(&rng, "k", 6, empty: 5)
                if rng.chance(5) { return ([k, .null, .i(time)], nil, RV_OP_DELETE) }
                if rng.chance(8) { return ([k, .null, .i(time)], nil, RV_OP_INSERT) }
                return ([k, .i(Int64(rng.below(3))), .i(time)], key(k), RV_OP_INSERT)
            })
    }()

    static let all: [Subject] =
        [streamTable(.inner), streamTable(.left)]
        + [tableTable(.inner, primaryKey: false), tableTable(.left, primaryKey: false), tableTable(.outer, primaryKey: true)]
        + [streamStream(.inner), streamStream(.left), streamStream(.outer), table]
}

/// Two (or one) inputs with bounded disorder and some late records; the watermark before each record is its
/// input's `max − 4`; the operator's watermark (the minimum of its inputs') advances now and then.
func script(_ subject: Subject, seed: UInt64, steps: Int = 90) -> [Step] {
    var rng = SplitMix(state: seed)
    let ports = subject.schemas.count
    var clock: Int64 = 1_000
    var maxSeen = [Int64](repeating: .min, count: ports)
    var offset: Int64 = 0
    func watermark(_ p: Int) -> Int64 { maxSeen[p] == .min ? .min : maxSeen[p] - 4 }
    var told = Int64.min
    var result: [Step] = []
    for _ in 0..<steps {
        let port = rng.below(ports)
        var records: [Input] = []
        for _ in 0..<(1 + rng.below(5)) {
            clock += Int64(rng.below(3))
            let time = rng.chance(7) ? clock - 10 - Int64(rng.below(10)) : clock - Int64(rng.below(4))
            let (fields, key, op) = subject.record(&rng, port, time)
            records.append(Input(time: time, fields: fields, key: key, op: op, watermark: watermark(port), offset: offset))
            offset += 1
            maxSeen[port] = max(maxSeen[port], time)
        }
        result.append(.batch(port: port, records: records, cap: ports == 2 ? watermark(1 - port) : .max))
        let operatorWatermark = (0..<ports).map(watermark).min()!
        if rng.chance(50) && operatorWatermark > told {
            told = operatorWatermark
            result.append(.watermark(operatorWatermark))
        }
    }
    return result
}

func batch(_ schema: Schema, _ records: [Input], port: Int) -> RecordBatch {
    let b = RecordBatch(schema: schema, capacity: max(1, records.count))
    for r in records {
        let i = b.appendEmpty(timestamp: r.time, partition: Int32(port), offset: r.offset)
        for (f, v) in r.fields.enumerated() {
            switch v {
            case .s(let s): b.setStringField(i, f, s)
            case .i(let n):
                var field = rv_field()
                field.type = FieldType.i64.rawValue
                field.value.i64 = n
                b.setField(i, f, field)
            case .null: break
            }
        }
        if let key = r.key { Array(key.utf8).withUnsafeBytes { b.setKey(i, $0.baseAddress, count: $0.count) } }
        b.setOp(i, r.op)
        b.setWatermarkBefore(i, r.watermark)
    }
    return b
}

func feed(_ step: Step, _ subject: Subject, to op: StreamOperator) throws {
    switch step {
    case .batch(let port, let records, let cap):
        try op.process(batch(subject.schemas[port], records, port: port), port: port, watermarkCap: cap)
    case .watermark(let w):
        try op.advanceWatermark(to: w)
    }
}

/// A snapshot through its file: encoded, then decoded as a restart reads it.
func checkpoint(_ harness: Harness, _ id: UInt64, name: String) throws -> DecodedOperatorSnapshot {
    var snapshot = OperatorSnapshot()
    try harness.op.snapshotState(into: &snapshot, checkpoint: id)
    return try DecodedOperatorSnapshot(snapshot.encoded(), name: name)
}

/// A copy of every entry of `stores` (what restoring the stores at another parallelism would give an instance).
func merged(_ stores: [KeyValueStore?]) throws -> KeyValueStore? {
    guard stores.contains(where: { $0 != nil }) else { return nil }
    let result = MemoryStore(name: "merged", budget: 1 << 26)
    for case let store? in stores {
        let scan = try store.scan(from: [], to: nil)
        while let pair = scan.next() { try result.put(pair.key, pair.value) }
        scan.close()
    }
    return result
}
