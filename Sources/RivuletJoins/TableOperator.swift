// TableOperator: materializes a changelog stream into a table (a store) and emits its stream of changes.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletState

/// Stream–table duality, both ways: the input is a changelog (each record upserts its key; a tombstone —
/// every field but the key and the time field empty, or a delete op — removes it), materialized in a
/// state store; the output is the table turned back into a stream of changes (`to_stream`): `+I` for a
/// new key, `-U` (the old row) then `+U` (the new one) for a changed row, `-D` (the old row) for a
/// removed key, nothing for an upsert that changes no field (its time aside). Rows keep every field of
/// the input, the time of the last change included.
public final class TableOperator: StreamOperator {
    /// Benchmarks: changes carry the position of the update that caused them (see `JoinOperator`).
    public var stampsResultPositions = false
    public let name: String
    public let out: OutputPort
    let key: Int
    let valueFields: [Int]
    let allFields: [Int]
    /// Where the table lives: in memory (1 GB budget) unless the manifest names a store (`store:`).
    public var store: KeyValueStore
    /// In a Kafka application, the key group every row of this instance is of (its rows are then saved
    /// in its checkpoints, for the changelog topic: `TableOperator+KeyGroups.swift`).
    public var keyedGroup: Int?
    /// Where updates without a key go, with the reason.
    public let deadLetters: DeadLetterRoute
    private var row: [UInt8] = []
    private var values: [UInt8] = []
    public private(set) var changes = 0

    public init(name: String, schema: Schema, key: Int, timeField: Int?, batchCapacity: Int, deadLetters: DeadLetterRoute) {
        self.name = name
        self.deadLetters = deadLetters
        self.key = key
        allFields = Array(0..<schema.count)
        valueFields = allFields.filter { $0 != key && $0 != timeField }
        store = MemoryStore(name: "\(name).table", budget: 1 << 30)
        out = OutputPort(name: "out", schema: schema, batchCapacity: batchCapacity)
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        for j in 0..<batch.count {
            let record = batch.record(at: j)
            guard let k = RowCodec.key(record, field: key) else {
                try deadLetters.send(record, schema: batch.schema, reason: "table update without a key (\(batch.schema.fields[key].name) is empty)")
                continue
            }
            let old = try k.withUnsafeBytes { try store.get($0).map { Array($0) } }
            if RowCodec.isTombstone(record, fields: valueFields) {
                guard let old else { continue }
                try k.withUnsafeBytes { try store.delete($0) }
                try emit(old, op: RV_OP_DELETE, time: record.pointee.timestamp, batch: batch, index: j)
                continue
            }
            // Stored: the value fields (to compare) followed by the whole row (to emit).
            RowCodec.encode(record, fields: valueFields, into: &values)
            RowCodec.encode(record, fields: allFields, into: &row)
            if let old, Self.values(of: old).elementsEqual(values) { continue }
            var stored: [UInt8] = []
            stored.reserveCapacity(4 + values.count + row.count)
            var n = UInt32(values.count).littleEndian
            withUnsafeBytes(of: &n) { stored.append(contentsOf: $0) }
            stored.append(contentsOf: values)
            stored.append(contentsOf: row)
            try k.withUnsafeBytes { k in try stored.withUnsafeBytes { try store.put(k, $0) } }
            if let old { try emit(old, op: RV_OP_UPDATE_BEFORE, time: record.pointee.timestamp, batch: batch, index: j) }
            try emit(stored, op: old == nil ? RV_OP_INSERT : RV_OP_UPDATE_AFTER, time: record.pointee.timestamp, batch: batch, index: j)
        }
        try store.commit()
        try out.flush()
    }

    static func values(of stored: [UInt8]) -> ArraySlice<UInt8> {
        let n = Int(stored[0..<4].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
        return stored[4..<(4 + n)]
    }

    static func row(of stored: [UInt8]) -> ArraySlice<UInt8> {
        let n = Int(stored[0..<4].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
        return stored[(4 + n)...]
    }

    private func emit(_ stored: [UInt8], op: UInt32, time: Int64, batch: RecordBatch, index: Int) throws {
        changes += 1
        let output = try out.batchForAppending()
        let source = batch.record(at: index).pointee
        let i =
            stampsResultPositions
            ? output.appendEmpty(timestamp: time, partition: source.partition, offset: source.offset)
            : output.appendEmpty(timestamp: time)
        Self.row(of: stored).withUnsafeBytes { RowCodec.decode($0, count: allFields.count, into: output, index: i, first: 0) }
        output.setKey(i, fromField: key)
        output.setOp(i, op)
        output.setWatermarkBefore(i, batch.watermarkBefore(index))
        out.didAppend()
    }

    public func advanceWatermark(to watermark: Int64) throws {
        try out.advanceWatermark(to: watermark)
    }

    public func finish() throws {
        try store.commit()
        try out.flush()
    }

    public func close() {}

    /// Checkpoints (`JoinCheckpoint.swift`): the count of changes a restored instance goes on from.
    func restoreChanges(_ count: Int) { changes = count }
}
