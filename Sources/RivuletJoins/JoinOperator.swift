// JoinOperator: what every two-input join shares: ports, event-time ordering of its inputs, late records.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// The base of the host's joins. Input port 0 is `left`, 1 is `right`; outputs `out`, `late_left`,
/// `late_right`. Records of both inputs reach `handle` in event-time order (`TimeSync`), so a join's
/// results do not depend on how its inputs interleave; records late for their own input leave through
/// the late ports unchanged. Subclasses implement `handle` and, for outer results, `finishState`.
/// Checkpoints: `JoinCheckpoint.swift`.
public class JoinOperator: StreamOperator {
    public let name: String
    public let out: OutputPort
    public let lateLeft: OutputPort
    public let lateRight: OutputPort
    /// Where records a join cannot use go (a table update without a key), with the reason.
    public let deadLetters: DeadLetterRoute
    let sync: TimeSync
    /// The watermark told downstream.
    var propagated = Int64.min
    /// The time of the record being handled (the merged order's clock).
    var now = Int64.min
    /// Per input port, the field its records are partitioned by — the join key (`left_key`, `right_key`):
    /// the key group of keyed state is that of `PartitionedEdge.keyHash(of:field:)` of this field.
    let keyFields: [Int]
    let keyGroups: KeyGroups
    /// Whether `finish` ran (a checkpoint taken after it restores an operator that must not emit again).
    var finished = false
    /// The snapshot format being restored (`JoinCheckpoint.version`, or an older one it still reads).
    var restoringFormat = JoinCheckpoint.version
    /// The records waiting in `sync` at each checkpoint (a Kafka source commits no further).
    public let retained = RetainedPositions()

    init(
        name: String, outputSchema: Schema, left: Schema, right: Schema, rightFirstOnTies: Bool, batchCapacity: Int,
        deadLetters: DeadLetterRoute, keyFields: [Int], keyGroups: KeyGroups
    ) {
        self.name = name
        self.deadLetters = deadLetters
        self.keyFields = keyFields
        self.keyGroups = keyGroups
        out = OutputPort(name: "out", schema: outputSchema, batchCapacity: batchCapacity)
        lateLeft = OutputPort(name: "late_left", schema: left, batchCapacity: batchCapacity)
        lateRight = OutputPort(name: "late_right", schema: right, batchCapacity: batchCapacity)
        sync = TimeSync(priority: rightFirstOnTies ? [1, 0] : [0, 1])
    }

    /// One record of `port` (0 left, 1 right), in event-time order.
    func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {}

    /// The end of both inputs: emit what is still held (outer rows).
    func finishState() throws {}

    /// A batch of input has been handled: make state changes durable (stores commit per batch).
    func commitState() throws {}

    public func process(_ batch: RecordBatch, port: Int) throws {
        try process(batch, port: port, watermarkCap: .max)
    }

    public func process(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws {
        let late = port == 0 ? lateLeft : lateRight
        try sync.accept(
            batch, port: port, cap: watermarkCap,
            late: { if try !self.acceptLate(batch, index: $0, port: port) { try late.forward(from: batch, index: $0) } },
            release: { try self.release($0) })
        try commitState()
    }

    /// Whether a record is late only when it is before the join's watermark — the minimum over both
    /// inputs when it came (`lateness: operator`, Flink's `IntervalJoinOperator.isLate`) — rather than
    /// before its own input's (`lateness: input`, the default: the same for every interleaving).
    public var latenessByOperatorWatermark: Bool {
        get { sync.latenessByOperatorWatermark }
        set { sync.latenessByOperatorWatermark = newValue }
    }

    /// The input ports that are tables (their late changes are applied: `acceptLate`).
    var tablePorts: Set<Int> { [] }
    /// Whether a table change behind its input's watermark is applied (`late_table_changes: apply`, the
    /// default) or leaves through the late port (`divert`).
    public var appliesLateTableChanges = true
    /// Late table changes taken (to apply), and those left out because the key's row was newer (shared by
    /// the instances of a join split by key: `KafkaJoinPartitions`).
    public var lateTableChanges = MetricsCounter(name: "late_table_changes")
    public var lateTableChangesSuperseded = MetricsCounter(name: "late_table_changes_superseded")

    /// A record of `port` behind its input's watermark: whether the join takes it; if not, it leaves
    /// through the late port. A table's late change is taken: applied as of its input's watermark when it
    /// came — where that input had reached, which every interleaving of the two inputs agrees on — taking
    /// its place in the event-time order there (`TimeSync.enqueue`); a change older than its key's row is
    /// then left out (`isSuperseded`). So records of the other input from that time on see it, earlier
    /// ones do not, and results already emitted are not revised — as a Kafka Streams table applies an
    /// update when its partition's stream time reaches it.
    func acceptLate(_ batch: RecordBatch, index: Int, port: Int) throws -> Bool {
        guard appliesLateTableChanges, tablePorts.contains(port) else { return false }
        // Late for the operator's watermark (`lateness: operator`): applied as of that watermark instead.
        let reached = sync.latenessByOperatorWatermark ? sync.watermark : batch.watermarkBefore(index)
        sync.enqueue(batch, index: index, port: port, at: Swift.max(batch.record(at: index).pointee.timestamp, reached))
        lateTableChanges.add(1)
        return true
    }

    /// Benchmarks (`rivulet bench` with a latency recorder): results carry the source position of the
    /// record whose handling produced them, so the latency probe measures each from that record's due
    /// time. Otherwise results have no position (partition and offset -1), as new records.
    public var stampsResultPositions = false
    var resultPosition: (partition: Int32, offset: Int64) = (-1, -1)

    private func release(_ p: TimeSync.Pending) throws {
        now = p.time
        let record = p.batch.record(at: p.index)
        if stampsResultPositions { resultPosition = (record.pointee.partition, record.pointee.offset) }
        try handle(record, port: p.port, batch: p.batch, index: p.index)
    }

    public func advanceWatermark(to w: Int64) throws {
        try sync.advance(to: w) { try self.release($0) }
        // Everything before w is handled: the join's clock stands just before it.
        try clockAdvanced(to: w - 1)
        try commitState()
        // Records at w may still come (and leave at w), and held records may still leave at their own
        // time: downstream hears a watermark no later than what can still be emitted.
        let downstream = min(w - 1, heldBack())
        guard downstream > propagated else { return }
        propagated = downstream
        try out.advanceWatermark(to: downstream)
        try lateLeft.advanceWatermark(to: downstream)
        try lateRight.advanceWatermark(to: downstream)
        for port in additionalPorts { try port.advanceWatermark(to: downstream) }
    }

    /// The join's clock reached `time` with no record left before it: expire what that allows.
    func clockAdvanced(to time: Int64) throws {}

    /// The earliest time the join may still emit a record at because of state it holds (Int64.max: none).
    func heldBack() -> Int64 { .max }

    public func finish() throws {
        // Restored from a checkpoint taken after the end of input: what finishing emits was emitted then.
        if !finished {
            try sync.advance(to: .max) { try self.release($0) }
            now = .max
            try finishState()
            try commitState()
            finished = true
        }
        try out.flush()
        try lateLeft.flush()
        try lateRight.flush()
        for port in additionalPorts { try port.flush() }
    }

    public func close() {}

    /// Output ports a join has besides `out` and the late ports (told the same watermark, flushed alike).
    public var additionalPorts: [OutputPort] { [] }

    /// Records buffered until the watermark passes them (not yet handled).
    public var bufferedRecords: Int { sync.pendingCount }

    // MARK: Checkpoint hooks (the format and the rest: JoinCheckpoint.swift)

    /// Which join a snapshot is of (a snapshot restores only into the same kind).
    var snapshotKind: UInt8 { 0 }

    /// Writes the join's own instance-wide state (counters, sequences) at the end of the operator state.
    func saveInstanceState(into writer: inout SnapshotWriter) {}

    /// Reads what `saveInstanceState` wrote, once per old instance; counters are added to this instance's
    /// only when `keepCounters` (each old instance's counters go to exactly one new instance).
    func restoreInstanceState(from reader: inout SnapshotReader, keepCounters: Bool) throws {}

    /// Adds the join's per-key state as keyed entries, each starting with a tag byte other than
    /// `JoinCheckpoint.waitingTag`.
    func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {}

    /// Restores one keyed entry written by `saveKeyedState` (its tag already read) of key group `group`.
    func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        throw SnapshotCorrupt(reader.name, "unknown keyed entry \(tag) for \(name)")
    }

    /// Every keyed entry was restored: rebuild what is derived from them (indexes, expiry order).
    func didRestoreKeyedState() throws {}

    /// Starts an output record at time `time` (fields set by the caller), then `out.didAppend()`.
    func newOutput(time: Int64, op: UInt32 = RV_OP_INSERT) throws -> (RecordBatch, Int) {
        let batch = try out.batchForAppending()
        let i = batch.appendEmpty(timestamp: time, partition: resultPosition.partition, offset: resultPosition.offset)
        batch.setOp(i, op)
        // What downstream has been told, never at or past this record's own time (or it would be late).
        batch.setWatermarkBefore(i, min(propagated, time - 1))
        return (batch, i)
    }

    /// Copies the fields of `record` into output fields `first…` (string bytes copied).
    static func copyFields(_ record: UnsafePointer<rv_record>, count: Int, into batch: RecordBatch, index: Int, first: Int) {
        for f in 0..<count {
            let v = record.pointee.fields[f]
            // Raw codes compared directly: this runs per field of every joined record.
            if v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue {
                batch.setBytesField(index, first + f, type: v.type == FieldType.string.rawValue ? .string : .bytes, v.value.ptr, count: Int(v.len))
            } else {
                batch.setField(index, first + f, v)
            }
        }
    }

    /// The output schema of left + right fields, minus right fields `skip`; a right field whose name the
    /// left already has is renamed `right_<name>`.
    public static func joinedSchema(left: Schema, right: Schema, skip: Set<Int>) -> (schema: Schema, rightFields: [Int]) {
        var schema = left
        var rightFields: [Int] = []
        for (i, f) in right.fields.enumerated() where !skip.contains(i) {
            let taken = schema.index(of: f.name) != nil
            schema.append(FieldDefinition(name: taken ? "right_\(f.name)" : f.name, type: f.type))
            rightFields.append(i)
        }
        return (schema, rightFields)
    }
}

extension JoinOperator: OutputWatermarkReporting {
    public var outputWatermark: Int64 { propagated }
}
