// KafkaSink: a sink writing each record to a Kafka topic: key, encoded value, headers, event time.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletSnapshot

/// Produces one Kafka record per record: the value is the record encoded with the sink's format (one
/// CSV or JSON line without its newline), the key is `keyField`'s text (or the record's own key), the
/// `headerFields` go as headers, and the record's event time is the Kafka timestamp. The producer is
/// idempotent. At every checkpoint and at the end it waits until the brokers have acknowledged every
/// record (at least once: a checkpoint completes only once its results are in Kafka). Under
/// `exactly_once_v2` (`transaction`) it produces through the process's transactional producer and,
/// after each barrier, waits for that checkpoint's commit before producing more.
public final class KafkaSink: CheckpointedOperator {
    public let name: String
    public let topic: String
    private let properties: KafkaProperties
    private let encoder: RecordEncoder
    private let keyField: Int?
    private let headerFields: [(name: String, field: Int)]
    private var producer: KafkaProducer?
    /// exactly_once_v2: the process's transaction, and the checkpoint whose commit this sink awaits.
    public var transaction: KafkaTransaction?
    private var awaiting: UInt64?
    /// The partition of each record (nil: librdkafka's partitioner, from the key).
    private let partitioner: ((UnsafePointer<rv_record>) -> Int32)?
    private let scratch: ByteWriter
    /// A repartition topic's writer: the bytes of a record's time, origin and mark headers (time at 0,
    /// origin at 20: at most 20 + 11 + 1 + 20 bytes; mark at 64).
    private let headerScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 96, alignment: 1)
    /// A repartition topic's writer: its partition count and the input partitions whose watermark its
    /// records carry (see `WatermarkMarker`).
    /// The input's out-of-orderness `bound`: an input partition's watermark is the largest time written
    /// of it minus the bound.
    public var watermarkMarking: (partitions: Int32, inputs: () -> [Int32], bound: Int64)?
    /// A repartition topic's writer fed by a per-group operator (a window, table or join split by key):
    /// its records carry no input position, and it marks each of that operator's groups (the input
    /// partitions its reader counts) with the group's watermark as of the watermark this sink last heard.
    public var groupWatermarks: GroupWatermarkHistory?
    /// A repartition topic's writer of records with input positions: whether input partition p is idle at
    /// its source (silent for the source's `idle_timeout`). Such a partition is marked with the watermark
    /// this sink heard — the source's own, which leaves it out — as one process would treat it; the
    /// topic's readers never time input partitions out themselves (a process that is slow, or dying and
    /// being replaced, is not idle: its records would be late).
    public var inputIdle: ((Int32) -> Bool)?
    /// A repartition topic's writer of records with input positions: its source's partitions' watermarks
    /// as of each watermark the source told (`SourceHead.partitionWatermarks`). Each input partition is
    /// marked with at least its own as of the watermark this sink last heard — which every record read
    /// before it has passed — so a partition none of whose records reach the writer (a filter drops them
    /// all, or a plugin emits records of its own) still moves on, as in one process.
    public var sourcePartitionWatermarks: GroupWatermarkHistory?
    /// Whether the run has failed (or stopped at once): a flush stops waiting for acknowledgements.
    public var cancelled: () -> Bool = { false }
    /// The watermark this sink last heard (in band: after every record emitted before it).
    private var heard = Int64.min
    /// A join's repartition writer: which input of the join it writes (0 left, 1 right); its input
    /// partitions are named `RepartitionWatermarks.inputID(side:partition:)` in origins and markers.
    public var inputSide = 0
    /// Per input partition: the largest event time written, and the watermark last marked.
    private var writtenTimes: [Int32: Int64] = [:]
    /// Per input partition, the last input offset written and how many records of it came before.
    private var lastOrigin: [Int32: (offset: Int64, sequence: Int64)] = [:]
    private var marked: [Int32: Int64] = [:]
    /// Records handed to Kafka.
    public let written = MetricsCounter(name: "records_out")

    public init(
        name: String, topic: String, properties: KafkaProperties, encoder: RecordEncoder, keyField: Int?, headerFields: [(name: String, field: Int)],
        partitioner: ((UnsafePointer<rv_record>) -> Int32)? = nil
    ) {
        self.name = name
        self.partitioner = partitioner
        self.topic = topic
        self.properties = properties
        self.encoder = encoder
        self.keyField = keyField
        self.headerFields = headerFields
        scratch = ByteWriter(memory: "sink '\(name)'")
    }

    deinit { headerScratch.deallocate() }

    /// Connects on the first record (planning alone never connects).
    private func connected() throws -> KafkaProducer {
        if let awaiting, let transaction {
            do { try transaction.awaitResolution(of: awaiting) } catch { throw OperatorFailure(node: name, message: error.message) }
            self.awaiting = nil
        }
        if let producer { return producer }
        let p: KafkaProducer
        do throws(KafkaError) {
            if let transaction { p = try transaction.producer() } else { p = try KafkaProducer(properties: properties) }
        } catch { throw OperatorFailure(node: name, message: error.message) }
        producer = p
        return p
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        let producer = try connected()
        do {
            for i in 0..<batch.count {
                let record = batch.record(at: i)
                try encoder.encode(record, to: scratch)
                try scratch.takeBuffered { encoded in
                    // The encoders end each record with a newline: a Kafka record is delimited already.
                    var value = encoded
                    if encoder.endsWithNewline, value.last == UInt8(ascii: "\n") { value = UnsafeRawBufferPointer(rebasing: value.dropLast()) }
                    try withKey(record) { key in
                        try produce(producer, record, key: key, value: value)
                    }
                }
            }
        } catch let error as KafkaError {
            throw OperatorFailure(node: name, message: error.message)
        }
        written.add(Int64(batch.count))
        try mark(ended: false)
    }

    private func produce(_ producer: KafkaProducer, _ record: UnsafePointer<rv_record>, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer)
        throws
    {
        let t = record.pointee.timestamp
        let partition = partitioner?(record) ?? -1
        guard !headerFields.isEmpty || watermarkMarking != nil else {
            try producer.produce(topic: topic, partition: partition, key: key, value: value, timestamp: t > 0 ? t : 0)
            return
        }
        // A repartition topic's writer: each record's exact event time and input position as headers
        // (a Kafka timestamp cannot be ≤ 0), written into a buffer of the sink's own.
        if headerFields.isEmpty {
            let p = record.pointee.partition
            let before = partitionWatermark(p)
            if t > writtenTimes[p] ?? .min { writtenTimes[p] = t }
            let timeEnd = WatermarkMarker.writeDecimal(t, into: headerScratch, at: 0)
            let base = UnsafeRawBufferPointer(headerScratch)
            var headers = [KafkaProducer.Header(name: WatermarkMarker.timeHeader, value: UnsafeRawBufferPointer(rebasing: base[0..<timeEnd]))]
            // The input position (a record without one — a plugin's new record — has no origin: its
            // reader cannot tell it written twice, at least once), numbered among the records of one input record.
            if let sequence = originSequence(record) {
                var originEnd = WatermarkMarker.writeDecimal(
                    Int64(RepartitionWatermarks.inputID(side: inputSide, partition: p)), into: headerScratch, at: 20)
                headerScratch[originEnd] = UInt8(ascii: ":")
                originEnd = WatermarkMarker.writeDecimal(record.pointee.offset, into: headerScratch, at: originEnd + 1)
                if sequence > 0 {
                    headerScratch[originEnd] = UInt8(ascii: ":")
                    originEnd = WatermarkMarker.writeDecimal(sequence, into: headerScratch, at: originEnd + 1)
                }
                headers.append(
                    KafkaProducer.Header(name: WatermarkMarker.originHeader, value: UnsafeRawBufferPointer(rebasing: base[20..<originEnd])))
            }
            if before != .min {
                let markEnd = WatermarkMarker.writeDecimal(before, into: headerScratch, at: 64)
                headers.append(KafkaProducer.Header(name: WatermarkMarker.markHeader, value: UnsafeRawBufferPointer(rebasing: base[64..<markEnd])))
            }
            try producer.produce(topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: t > 0 ? t : 0)
            return
        }
        // Header values are the fields' text; NULL fields are left out.
        var texts: [(String, [UInt8])] = []
        for (name, field) in headerFields {
            let f = record.pointee.fields[field]
            if f.type == FieldType.null.rawValue { continue }
            texts.append((name, Array(FieldText.render(f).utf8)))
        }
        // A repartition topic carries each record's exact event time (a Kafka timestamp cannot be ≤ 0).
        if watermarkMarking != nil {
            let p = record.pointee.partition
            let before = partitionWatermark(p)
            if before != .min { texts.append((WatermarkMarker.markHeader, Array(String(before).utf8))) }
            if t > writtenTimes[p] ?? .min { writtenTimes[p] = t }
            texts.append((WatermarkMarker.timeHeader, Array(String(t).utf8)))
            if let sequence = originSequence(record) {
                let id = RepartitionWatermarks.inputID(side: inputSide, partition: p)
                let text = sequence > 0 ? "\(id):\(record.pointee.offset):\(sequence)" : "\(id):\(record.pointee.offset)"
                texts.append((WatermarkMarker.originHeader, Array(text.utf8)))
            }
        }
        try withHeaders(texts[...]) { headers in
            try producer.produce(topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: t > 0 ? t : 0)
        }
    }

    /// A repartition topic's writer: the number of `record` among the records of its input record (0 for
    /// the first, 1 for the next with the same input position, …), or nil when it has no input position.
    private func originSequence(_ record: UnsafePointer<rv_record>) -> Int64? {
        let p = record.pointee.partition, o = record.pointee.offset
        guard o >= 0 else { return nil }
        let sequence = lastOrigin[p].map { $0.offset == o ? $0.sequence + 1 : 0 } ?? 0
        lastOrigin[p] = (o, sequence)
        return sequence
    }

    /// A repartition topic's writer: the watermark of input partition `p` before the next record of it
    /// (the largest time written of it minus the input's bound).
    private func partitionWatermark(_ p: Int32) -> Int64 {
        guard let written = writtenTimes[p], written != .min else { return .min }
        return written - (watermarkMarking?.bound ?? 0)
    }

    /// Calls `body` with `texts` as producer headers (their bytes borrowed for the call).
    private func withHeaders(
        _ texts: ArraySlice<(String, [UInt8])>, _ done: [KafkaProducer.Header] = [], _ body: ([KafkaProducer.Header]) throws -> Void
    ) throws {
        guard let (name, bytes) = texts.first else { return try body(done) }
        try bytes.withUnsafeBytes { raw in
            try withHeaders(texts.dropFirst(), done + [KafkaProducer.Header(name: name, value: raw)], body)
        }
    }

    /// Calls `body` with the Kafka key of `record`: `keyField`'s bytes (numbers as text), else the record's key.
    private func withKey(_ record: UnsafePointer<rv_record>, _ body: (UnsafeRawBufferPointer?) throws -> Void) throws {
        guard let keyField else {
            let r = record.pointee
            return try body(r.key == nil ? nil : UnsafeRawBufferPointer(start: r.key, count: Int(r.key_len)))
        }
        let f = record.pointee.fields[keyField]
        if f.type == FieldType.null.rawValue { return try body(nil) }
        if FieldType(rawValue: f.type)?.isBytesLike == true { return try body(UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len))) }
        var text = FieldText.render(f)
        try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    public func advanceWatermark(to watermark: Int64) throws {
        if watermark > heard { heard = watermark }
        try mark(ended: watermark == .max)
    }

    /// Each input partition held and its watermark: per partition, the largest time written minus the
    /// bound, or its source's watermark of it as of the watermark heard if higher (an idle one: at least
    /// the watermark heard); under `groupWatermarks`, each group's own as of
    /// the watermark heard.
    private func inputWatermarks(_ marking: (partitions: Int32, inputs: () -> [Int32], bound: Int64), ended: Bool) -> [(Int32, Int64)] {
        if ended { return marking.inputs().map { ($0, .max) } }
        if let groupWatermarks {
            return (groupWatermarks.groups(asOf: heard) ?? [:]).map { (Int32($0.key), $0.value) }.sorted { $0.0 < $1.0 }
        }
        let told = sourcePartitionWatermarks?.groups(asOf: heard) ?? [:]
        return marking.inputs().map { p in
            let written = writtenTimes[p].map { $0 == .min ? .min : $0 - marking.bound } ?? .min
            let own = max(written, told[Int(p)] ?? .min)
            return (p, inputIdle?(p) == true ? max(own, heard) : own)
        }
    }

    /// A repartition topic's writer: marks, in every partition of the topic, the watermark of each input
    /// partition held that rose since its last marker — after every batch (a partition taken over
    /// rises from far behind while the input's overall watermark, already past it, stays) and at the end.
    /// `repeating`: also the partitions whose watermark has not risen (at every checkpoint, so a reader
    /// that took a partition of the topic over — after the markers it missed — learns the watermarks of
    /// quiet input partitions within one checkpoint interval instead of waiting for their next record).
    private func mark(ended: Bool, repeating: Bool = false) throws {
        guard let marking = watermarkMarking else { return }
        // Each input partition held: its own watermark (the end of time once the input has ended).
        var marks: [(partition: Int32, watermark: Int64)] = []
        for (p, own) in inputWatermarks(marking, ended: ended) {
            if own > marked[p] ?? .min || (repeating && own != .min) {
                marked[p] = max(own, marked[p] ?? .min)
                marks.append((RepartitionWatermarks.inputID(side: inputSide, partition: p), marked[p]!))
            }
        }
        guard !marks.isEmpty else { return }
        let header = WatermarkMarker.encode(marks)
        let producer = try connected()
        do {
            try header.withUnsafeBytes { value in
                for q in 0..<marking.partitions {
                    try producer.produce(
                        topic: topic, partition: q, key: nil, value: nil, headers: [KafkaProducer.Header(name: WatermarkMarker.header, value: value)],
                        timestamp: 0)
                }
            }
        } catch let error as KafkaError {
            throw OperatorFailure(node: name, message: error.message)
        }
    }

    /// Waits until Kafka has acknowledged everything produced (under exactly_once_v2, the commit does); once
    /// the run has failed (`cancelled`), `grace` ms more at most: a broker gone does not hold a failed run
    /// for a minute.
    private func flush(grace: Int32 = 0) throws {
        guard let producer, transaction == nil else { return }
        do { try producer.flush(cancelled: cancelled, graceMilliseconds: grace) } catch { throw OperatorFailure(node: name, message: error.message) }
    }

    /// At the end of the input, a repartition topic's readers learn that its partitions are complete.
    public func finish() throws {
        if awaiting != nil { _ = try connected() }
        try advanceWatermark(to: .max)
        try flush()
    }

    /// What was produced still goes out: after a failure, for 5 s at most.
    public func close() { try? flush(grace: 5_000) }

    // MARK: checkpoints

    /// Nothing to save: a checkpoint completes only after every record before it is acknowledged (or,
    /// under exactly_once_v2, is in the transaction its completion commits). A repartition topic's writer
    /// repeats its watermark marks first.
    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        try mark(ended: false, repeating: true)
        if transaction != nil { awaiting = checkpoint }
        try flush()
    }

    public func restoreState(from restore: OperatorRestore) throws {}
}
