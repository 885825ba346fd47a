// KafkaJoinPartitions: a Kafka application's join split by key: one join per partition of its repartition topic.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletJoins
import RivuletSnapshot

/// Kafka Streams' co-partitioned join: both inputs of the join arrive through one repartition topic
/// whose partition g holds both sides' records of key group g (`RepartitionRow` records), so the
/// process holding partition g holds all of key group g of both inputs. Each carrier record is turned
/// back into a record of its input's schema and handed, on its input's port, to the join instance of its
/// group (`PerGroupOperator`, one join per partition, on that partition's watermark; its state moves
/// with the partition through the changelog topic).
///
/// Watermarks are those of the moment each record was read (the reader stamps them): a record's own is
/// its side's, and the instance's other input is capped at the partition's watermark over both sides as
/// of the last record of each run of one side and one group — never a watermark read after a record
/// not yet handed on, so no record is released out of order.
final class KafkaJoinPartitions: KeyGroupStateOperator, GroupWatermarkReporting {
    let name: String
    private let inner: PerGroupOperator
    /// Per input (0 left, 1 right), its schema.
    private let schemas: [Schema]
    /// The counters every join instance counts its late table changes in.
    let lateTableChanges: MetricsCounter
    let lateTableChangesSuperseded: MetricsCounter
    var groupWatermarks: GroupWatermarkHistory { inner.groupWatermarks }

    init(
        name: String, inner: PerGroupOperator, left: Schema, right: Schema, lateTableChanges: MetricsCounter,
        lateTableChangesSuperseded: MetricsCounter
    ) {
        self.name = name
        self.inner = inner
        schemas = [left, right]
        self.lateTableChanges = lateTableChanges
        self.lateTableChangesSuperseded = lateTableChangesSuperseded
    }

    func process(_ batch: RecordBatch, port: Int) throws {
        var start = 0
        while start < batch.count {
            let first = batch.record(at: start).pointee
            let side = Int(first.fields[0].value.i64)
            var end = start + 1
            while end < batch.count {
                let r = batch.record(at: end).pointee
                guard Int(r.fields[0].value.i64) == side, r.partition == first.partition else { break }
                end += 1
            }
            let schema = schemas[side]
            let part = RecordBatch(schema: schema, capacity: end - start)
            for i in start..<end {
                let r = batch.record(at: i).pointee
                let j = part.appendEmpty(timestamp: r.timestamp, partition: r.partition, offset: r.offset)
                let row = r.fields[1]
                // The reader's decoder checked the row (`RowCodec.isValid`) against this input's schema.
                RowCodec.decode(
                    UnsafeRawBufferPointer(start: row.value.ptr, count: Int(row.len)), count: schema.count, into: part, index: j, first: 0)
                part.setOp(j, r.op)
                part.setWatermarkBefore(j, batch.watermarkBefore(i))
            }
            let cap = batch.record(at: end - 1).pointee.fields[2].value.i64
            try inner.deliver(part, port: side, watermarkCap: cap)
            start = end
        }
        try inner.advance()
    }

    func advanceWatermark(to watermark: Int64) throws { try inner.advanceWatermark(to: watermark) }
    func advanceProcessingTime(to now: Int64) throws { try inner.advanceProcessingTime(to: now) }
    func finish() throws { try inner.finish() }
    func close() { inner.close() }

    func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try inner.snapshotState(into: &snapshot, checkpoint: checkpoint)
    }

    func restoreState(from restore: OperatorRestore) throws {}
    func adopt(_ restore: OperatorRestore, group: Int) throws { try inner.adopt(restore, group: group) }
    func drop(groups: Set<Int>) { inner.drop(groups: groups) }
}

/// The late table changes of every join instance, over the run (the instances share the counters).
extension KafkaJoinPartitions: CounterReporting {
    func counterSnapshot() -> [(name: String, value: Int64)] {
        [(lateTableChanges.name, lateTableChanges.value), (lateTableChangesSuperseded.name, lateTableChangesSuperseded.value)]
    }
}
