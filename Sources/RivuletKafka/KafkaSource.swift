// KafkaSource: a source reading Kafka topics as a member of the application's consumer group.
import CRdKafka
import Foundation
import RivuletCore
import RivuletExecution
import RivuletSnapshot
import Synchronization

/// Reads the partitions the consumer group assigns it. Each record's position is its Kafka (partition,
/// offset); with several topics the partition number is `topic index × 2^20 + partition` (topics
/// numbered in the order listed, or first assigned for a pattern). A value that does not decode is
/// dead-lettered with `topic[partition]@offset` and the reason; the records around it flow on.
///
/// Offsets: the position of each checkpoint is committed to the group when the checkpoint completes
/// (its records' results are then committed or flushed by the sinks), and at the end of a run without
/// failure. A partition a rebalance hands over is read by its new owner from the last committed offset.
/// Under exactly_once_v2 (`transaction`) the offsets go into the checkpoint's transaction instead, and
/// before partitions are given up a checkpoint is taken at once (`commitBeforeRevoking`), so what was
/// produced from them is committed with their offsets, as Kafka Streams commits in `onPartitionsRevoked`.
public final class KafkaSource: CommittingSource, RebalanceListener {
    public let name: String
    public let schema: Schema
    private let settings: KafkaSourceSettings
    /// Set once, by the first `fill`; read by the coordinator's thread too.
    private let consumerBox = Mutex<KafkaConsumer?>(nil)
    private var consumer: KafkaConsumer? { consumerBox.withLock { $0 } }
    /// Where messages and warnings go (the run's stderr).
    private let log: @Sendable (String) -> Void
    /// Told about assignments, to track per-partition watermarks: (assigned, revoked) source partition numbers.
    public var onPartitionsChanged: ((_ assigned: [Int32], _ revoked: [Int32]) -> Void)?
    /// Told about assignments on the task's thread, before any record of the partitions assigned and
    /// after the records of those revoked left the batch being filled: a changelog restores and drops
    /// the partitions' state of an operator in the same task. A failure stops the run.
    public var onAssigned: (([Int32]) throws -> Void)?
    public var onRevoked: (([Int32]) -> Void)?
    /// Operators downstream that may still hold this source's records at a checkpoint (a join's records
    /// waiting for the other input's watermark), with the input port they arrive on: the offsets
    /// committed for a checkpoint never pass a record one of them still held then.
    public var retainedDownstream: [(positions: RetainedPositions, port: Int)] = []
    /// Held by the coordinator from writing a checkpoint's changelogs to storing its offsets, and by a
    /// revocation while it gives partitions up: a partition's changelog and offsets never go apart.
    public var commitLock: NSLock?
    /// The partitions held now, for the coordinator's thread (the offsets it may store or send).
    private let heldShared = Mutex<Set<TopicPartition>>([])
    /// The operators downstream whose results need every partition of this source in one process (a
    /// join whose inputs are both split by the group, not co-partitioned yet): named in the warning
    /// `warnIfSplit` prints, once, when the group gives this process only some of the partitions.
    public var needsAllPartitions: String?
    private var warnedSplit = false
    /// exactly_once_v2: the process's transaction, which commits this source's offsets.
    public var transaction: KafkaTransaction?
    /// exactly_once_v2: takes a checkpoint at once, from inside `fill` (`ExecutionTask.checkpointWithinFill`).
    public var commitBeforeRevoking: (() throws -> Void)?
    /// Inside `fill`: the position and the origins of the batches handed out (a checkpoint taken within
    /// `fill` saves these, not those of the batch being filled).
    private var handedOut: [TopicPartition: Int64] = [:]
    private var originsHandedOut: [Int32: [Int32: Int64]] = [:]
    /// A repartition topic's reader: the watermark markers its writers send (see `WatermarkMarker`).
    public var watermarkMarkers: RepartitionWatermarks?
    /// A join's repartition topic's reader: each record (a `RepartitionRow` record, its input in field 0)
    /// gets its side's watermark as its own and the partition's watermark over both sides in field 2.
    public var stampsJoinSides = false
    /// The clock when the current `fill` began: the time a repartition record's mark counts as seen (for
    /// idleness, in seconds; one clock read a batch, not a record).
    private var fillClock: Int64 = 0
    /// A repartition topic's reader: per partition of the topic, the last input offset taken from each
    /// input partition (a record at or before it was written twice: skipped). Saved with the partition's
    /// state in the changelog (`origins(of:)`, `restoreOrigins`).
    private var lastOrigins: [Int32: [Int32: Int64]] = [:]
    /// Records of a repartition topic skipped as written twice.
    public let duplicatesSkipped = MetricsCounter(name: "duplicates_skipped")
    /// The batch `fill` is filling (records of a partition revoked meanwhile are taken out of it).
    private var filling: RecordBatch?
    /// A failure of `onAssigned`, thrown by `fill`.
    private var assignmentFailure: Error?

    /// The offset after the last record handed out, per partition held.
    private var next: [TopicPartition: Int64] = [:]
    /// Positions restored from a checkpoint, used when their partitions are assigned.
    private var restored: [TopicPartition: Int64] = [:]
    /// Positions saved by checkpoints not yet completed, by checkpoint id (read by the coordinator).
    private let saved = Mutex<[UInt64: [TopicPartition: Int64]]>([:])
    /// The position of the last snapshot, until `positionSaved` files it under its checkpoint.
    private var lastSnapshot: [TopicPartition: Int64] = [:]
    /// The source's partition numbers held now, for other threads (a repartition topic's writer).
    private let heldNumbers = Mutex<[Int32]>([])
    public var heldPartitionNumbers: [Int32] { heldNumbers.withLock { $0 } }
    /// Partitions held now; for `until: end`, those read to their end.
    private var held: Set<TopicPartition> = []
    private var atEnd: Set<TopicPartition> = []
    /// Whether `hasUnread` is asked (the source's watermark has an idle timeout): librdkafka then reports
    /// each end of partition reached, so `readTo` passes the transaction markers no record follows.
    public var tracksUnread = false
    /// Per partition held: the offset after the last record read, or the end reached if further — as of
    /// the last `fill`, for `hasUnread` (which another thread may ask).
    private var endReached: [TopicPartition: Int64] = [:]
    private let readTo = Mutex<[TopicPartition: Int64]>([:])
    private var topicNumbers: [String: Int32] = [:]
    /// `topicNumbers` for the coordinator's thread.
    private let sharedTopicNumbers = Mutex<[String: Int32]>([:])

    public init(name: String, settings: KafkaSourceSettings, log: @escaping @Sendable (String) -> Void) {
        self.name = name
        self.schema = settings.schema
        self.settings = settings
        self.log = log
        if settings.topics.count > 1 || settings.topics.first?.hasPrefix("^") == true {
            for (i, t) in settings.topics.enumerated() where !t.hasPrefix("^") { topicNumbers[t] = Int32(i) }
        }
        sharedTopicNumbers.withLock { $0 = topicNumbers }
    }

    /// The source's partition number of `tp`.
    private func number(_ tp: TopicPartition) -> Int32 {
        guard settings.topics.count > 1 || settings.topics.first?.hasPrefix("^") == true else { return tp.partition }
        let topic: Int32
        if let n = topicNumbers[tp.topic] {
            topic = n
        } else {
            topic = Int32(topicNumbers.count)
            topicNumbers[tp.topic] = topic
            sharedTopicNumbers.withLock { $0[tp.topic] = topic }
        }
        return topic << 20 | tp.partition
    }

    /// Connects and subscribes on the first call (planning alone never connects).
    private func connected() throws -> KafkaConsumer {
        if let consumer { return consumer }
        var properties = settings.properties
        if settings.untilEnd || tracksUnread { properties["enable.partition.eof"] = "true" }
        if settings.global {
            properties["enable.auto.commit"] = "false"
            let c = try KafkaConsumer(properties: properties, groupID: settings.groupID, start: .earliest)
            consumerBox.withLock { $0 = c }
            _ = partitionsAssigned(try c.assignAll(settings.topics))
            return c
        }
        // Offsets are committed only inside transactions.
        if transaction != nil { properties["enable.auto.commit"] = "false" }
        let c = try KafkaConsumer(properties: properties, groupID: settings.groupID, start: settings.start, strict: settings.strictOffsets)
        c.listener = self
        try c.subscribe(settings.topics)
        consumerBox.withLock { $0 = c }
        return c
    }

    public func fill(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool {
        let consumer = try connected()
        if transaction != nil {
            handedOut = next
            if watermarkMarkers != nil { originsHandedOut = lastOrigins }
        }
        filling = batch
        defer { filling = nil }
        fillClock = Clock.nowMilliseconds()
        while !batch.isFull {
            // Wait a little for the first record (so clock-driven watermarks and idleness keep moving), then
            // take only what has arrived.
            let got = try consumer.poll(
                timeoutMilliseconds: batch.isEmpty ? 100 : 0, warning: log, endOfPartition: reachedEnd(_:at:),
                { message in try take(message, into: batch, deadLetters: deadLetters) })
            if let failure = assignmentFailure { throw failure }
            if !got { break }
        }
        if tracksUnread {
            var read = next
            for (tp, end) in endReached where end > read[tp] ?? .min { read[tp] = end }
            readTo.withLock { $0 = read }
        }
        // A repartition topic's reader ends only once its writers have marked every input partition complete.
        let complete = watermarkMarkers.map { $0.watermark == .max } ?? true
        if settings.untilEnd && complete && !held.isEmpty && held.isSubset(of: atEnd) { return false }
        return true
    }

    /// librdkafka reached the end of a partition, at `offset` (`until: end`, `tracksUnread`): every record
    /// before it has been read.
    private func reachedEnd(_ tp: TopicPartition, at offset: Int64) {
        guard held.contains(tp) else { return }
        atEnd.insert(tp)
        endReached[tp] = offset
    }

    /// Whether partition `number` has records known to be waiting: the end its broker last reported is
    /// past what was read (records fetched and not yet read, or not yet fetched, or a transaction still
    /// open on it). Before the first fetch of the partition its end is unknown: true (as Kafka Streams
    /// waits until a partition's lag is known). Thread-safe.
    public func hasUnread(_ number: Int32) -> Bool {
        guard let consumer, let tp = topicPartition(of: number) else { return false }
        guard let end = consumer.endOffset(tp) else { return true }
        return end > readTo.withLock { $0[tp] } ?? 0
    }

    /// The topic and partition of the source's partition number `number` (see `number(_:)`).
    private func topicPartition(of number: Int32) -> TopicPartition? {
        guard settings.topics.count > 1 || settings.topics.first?.hasPrefix("^") == true else {
            return settings.topics.first.map { TopicPartition($0, number) }
        }
        let topic = sharedTopicNumbers.withLock { numbers in numbers.first { $0.value == number >> 20 }?.key }
        return topic.map { TopicPartition($0, number & (1 << 20 - 1)) }
    }

    private func take(_ message: UnsafePointer<rd_kafka_message_t>, into batch: RecordBatch, deadLetters: DeadLetterRoute) throws {
        let m = message.pointee
        let tp = TopicPartition(m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?", m.partition)
        next[tp] = m.offset + 1
        atEnd.remove(tp)
        if let markers = watermarkMarkers, let marker = WatermarkMarker.decode(message) {
            let now = Clock.nowMilliseconds()
            for mark in marker { markers.observe(partition: number(tp), inputs: [mark.partition], mark: mark.watermark, now: now) }
            return
        }
        let value = UnsafeRawBufferPointer(start: m.payload, count: m.payload == nil ? 0 : m.len)
        let before = batch.count
        if m.payload == nil {
            // A tombstone: in a global table whose key is the Kafka key (`key_field`), the delete of that key
            // (a row whose other fields are NULL); anywhere else no record of any format.
            guard settings.global, settings.keyField != nil, m.key != nil, m.key_len > 0 else {
                try deadLetters.sendRaw(value, reason: "\(tp)@\(m.offset): an empty value (a tombstone)")
                return
            }
            _ = batch.appendEmpty()
        } else {
            do {
                try settings.decoder.decode(value, into: batch)
            } catch {
                try deadLetters.sendRaw(value, reason: "\(tp)@\(m.offset): \(error.message)")
                return
            }
        }
        // A value that decodes to no record (a blank line) is not lost silently.
        guard batch.count == before + 1 else {
            while batch.count > before { batch.removeLast() }
            try deadLetters.sendRaw(value, reason: "\(tp)@\(m.offset): a value that holds no record")
            return
        }
        let i = batch.count - 1
        batch.setPosition(i, partition: number(tp), offset: m.offset)
        if let key = m.key, m.key_len > 0 {
            if !settings.keyFromField { batch.setKey(i, key, count: m.key_len) }
            if let field = settings.keyField { batch.setBytesField(i, field, type: .string, key, count: m.key_len) }
        }
        if settings.kafkaTime {
            var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            batch.setTimestamp(i, rd_kafka_message_timestamp(message, &type))
        }
        if let markers = watermarkMarkers {
            if let origin = WatermarkMarker.origin(message) {
                let q = number(tp)
                if let last = lastOrigins[q]?[origin.partition], origin.position <= last {
                    batch.removeLast()
                    duplicatesSkipped.add(1)
                    return
                }
                lastOrigins[q, default: [:]][origin.partition] = origin.position
                // Its input partition's watermark as of this record, before the record.
                if let mark = WatermarkMarker.inlineMark(message) {
                    markers.observeInline(partition: q, input: origin.partition, mark: mark, now: fillClock)
                }
            }
            if let time = WatermarkMarker.time(message) { batch.setTimestamp(i, time) }
            if stampsJoinSides {
                // A join's carrier (`RepartitionRow`): its side's watermark, and both sides' in its field 2.
                let side = Int(batch.record(at: i).pointee.fields[0].value.i64)
                batch.setWatermarkBefore(i, markers.watermark(of: number(tp), side: side))
                batch.setField(i, 2, .integer(markers.watermark(of: number(tp))))
            } else {
                batch.setWatermarkBefore(i, markers.watermark(of: number(tp)))
            }
        }
        if !settings.headerFields.isEmpty {
            var headers: OpaquePointer?
            if rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers {
                for (name, field) in settings.headerFields {
                    var bytes: UnsafeRawPointer?
                    var size = 0
                    if rd_kafka_header_get_last(headers, name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, bytes != nil {
                        batch.setBytesField(i, field, type: .string, bytes, count: size)
                    }
                }
            }
        }
    }

    /// The last input offset per input partition taken through partition `number` of a repartition topic.
    public func origins(of number: Int32) -> [Int32: Int64] { (filling == nil ? lastOrigins : originsHandedOut)[number] ?? [:] }

    /// Continues partition `number` of a repartition topic from a changelog's origins.
    public func restoreOrigins(_ origins: [Int32: Int64], of number: Int32) { lastOrigins[number] = origins }

    public func close() {
        if let consumer, !consumer.close() {
            log(
                "source '\(name)': warning: the consumer group did not confirm leaving within \(KafkaConsumer.closeSeconds) s (is the cluster "
                    + "reachable?); its partitions move to other members after the group's session timeout")
        }
        consumerBox.withLock { $0 = nil }
    }

    public func describe(offset: Int64) -> String { "\(name) offset \(offset)" }

    /// `topic[partition]@offset` of the source's partition number `partition` (see `number`).
    public func describe(partition: Int32, offset: Int64) -> String {
        "\(topicPartition(of: partition) ?? TopicPartition(name, partition))@\(offset)"
    }

    // MARK: rebalances

    public func partitionsAssigned(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        held.formUnion(partitions)
        heldShared.withLock { $0.formUnion(partitions) }
        for tp in partitions {
            atEnd.remove(tp)
            endReached[tp] = nil
        }
        if tracksUnread { readTo.withLock { read in for tp in partitions { read[tp] = nil } } }
        let numbers = held.map(number).sorted()
        heldNumbers.withLock { $0 = numbers }
        log("source '\(name)': assigned \(partitions.sorted().map(\.description).joined(separator: ", "))")
        warnIfSplit()
        onPartitionsChanged?(partitions.map(number), [])
        for tp in partitions { watermarkMarkers?.assign(number(tp), now: Clock.nowMilliseconds()) }
        do { try onAssigned?(partitions.map(number)) } catch { assignmentFailure = error }
        // A checkpoint's position wins over an older committed offset (the commit after it may have
        // failed); a newer committed offset means another member read further: it wins.
        let mine = partitions.compactMap { tp in restored[tp].map { (tp, $0) } }
        guard !mine.isEmpty, let consumer else { return [:] }
        let committed = (try? consumer.committed(mine.map(\.0))) ?? [:]
        var starts: [TopicPartition: Int64] = [:]
        for (tp, offset) in mine where offset > (committed[tp] ?? -1) { starts[tp] = offset }
        for (tp, _) in mine { restored[tp] = nil }
        return starts
    }

    public func partitionsRevoked(_ partitions: [TopicPartition], lost: Bool) {
        if transaction != nil, filling != nil, assignmentFailure == nil {
            let names = partitions.sorted().map(\.description).joined(separator: ", ")
            if lost {
                assignmentFailure = KafkaError(
                    "source '\(name)': exactly_once_v2: partitions \(names) were lost (the session expired), so what was produced "
                        + "from them cannot be committed; the run stops and a restart resumes from the last committed transaction")
            } else {
                do {
                    try commitBeforeRevoking?()
                    log("source '\(name)': exactly_once_v2: committed a checkpoint before giving up \(names)")
                } catch {
                    assignmentFailure = KafkaError(
                        "source '\(name)': exactly_once_v2: the checkpoint before giving up \(names) failed (\(error)); the run stops and a "
                            + "restart resumes from the last committed transaction")
                }
            }
        }
        // From here the partitions' changelog and offsets change together (see `commitLock`).
        commitLock?.lock()
        defer { commitLock?.unlock() }
        if transaction == nil, !lost, !settings.global, let consumer {
            // At least once: the offsets stored with the last published changelogs, committed now — their
            // new owner starts exactly there. (librdkafka's own commit after the revocation can be
            // refused while the group rebalances, and the new owner would then count records again.)
            do { try consumer.commitStored() } catch {
                log("source '\(name)': warning: \(error); their new owner may read records again (at least once)")
            }
        }
        held.subtract(partitions)
        heldShared.withLock { $0.subtract(partitions) }
        // A checkpoint not yet complete must not store their offsets if they come back: what was read of
        // them since may be another member's.
        saved.withLock { saved in for id in saved.keys { for tp in partitions { saved[id]?[tp] = nil } } }
        for tp in partitions { lastSnapshot[tp] = nil }
        let remaining = held.map(number).sorted()
        heldNumbers.withLock { $0 = remaining }
        for tp in partitions {
            next[tp] = nil
            endReached[tp] = nil
            atEnd.remove(tp)
        }
        log("source '\(name)': \(lost ? "lost" : "gave up") \(partitions.sorted().map(\.description).joined(separator: ", "))")
        warnIfSplit()
        let numbers = Set(partitions.map(number))
        if let batch = filling {
            // Their new owner reads them from the last committed offset: not processed here.
            let gone = (0..<batch.count).filter { numbers.contains(batch.record(at: $0).pointee.partition) }
            batch.remove(sortedIndexes: gone)
        }
        onPartitionsChanged?([], Array(numbers))
        for n in numbers {
            watermarkMarkers?.revoke(n)
            lastOrigins[n] = nil
        }
        onRevoked?(Array(numbers))
    }

    /// Says once, loudly, that this process holds only some of the partitions `needsAllPartitions` needs.
    private func warnIfSplit() {
        guard let what = needsAllPartitions, !warnedSplit, let consumer, !settings.topics.contains(where: { $0.hasPrefix("^") }) else { return }
        var total = 0
        for topic in settings.topics {
            guard let count = try? KafkaMetadata.partitionCount(consumer.handle, topic: topic, timeoutMilliseconds: 10_000) else { return }
            total += count
        }
        guard held.count < total else { return }
        warnedSplit = true
        log(
            "warning: source '\(name)': this process holds \(held.count) of the \(total) partitions, but \(what) matches records of "
                + "every partition: records whose partners another process holds are not matched (joins are not co-partitioned across "
                + "processes yet: run this application as one process, or make the table side global)")
    }

    // MARK: checkpoints and commits

    /// A Kafka topic can be read again from an offset.
    public var isReplayable: Bool { true }

    public func snapshotPosition(into writer: inout SnapshotWriter) throws {
        // A global table's reader reads its topics from the beginning in every run.
        let next = settings.global ? [:] : filling == nil ? self.next : handedOut
        lastSnapshot = next
        writer.write(next.count)
        for (tp, offset) in next.sorted(by: { $0.key < $1.key }) {
            writer.write(tp.topic)
            writer.write(UInt32(bitPattern: tp.partition))
            writer.write(offset)
        }
    }

    public func restorePosition(from reader: inout SnapshotReader) throws {
        let count = try reader.readInt(in: 0...1 << 24, "the number of partitions")
        for _ in 0..<count {
            let topic = try reader.readString()
            let partition = Int32(bitPattern: try reader.readUInt32())
            let offset = try reader.readInt64()
            guard partition >= 0, offset >= 0 else { throw SnapshotCorrupt(reader.name, "a bad Kafka position \(topic)[\(partition)]@\(offset)") }
            restored[TopicPartition(topic, partition)] = offset
        }
    }

    public func positionSaved(checkpoint id: UInt64) {
        let position = lastSnapshot
        saved.withLock { $0[id] = position }
    }

    public func checkpointCompleted(_ id: UInt64) throws {
        let position: [TopicPartition: Int64]? = saved.withLock { saved in
            let p = saved[id]
            saved = saved.filter { $0.key > id }
            return p
        }
        guard var position, let consumer, !settings.global else { return }
        position = limited(position, checkpoint: id)
        let held = heldShared.withLock { $0 }
        if let transaction {
            // Partitions given up since are committed by their new owner (we committed before giving them up).
            try transaction.sendOffsets(position.filter { held.contains($0.key) }, of: consumer)
            return
        }
        // Stored for librdkafka's own commits (every `auto.commit.interval.ms`, and when partitions are
        // taken away): a commit of this thread racing a rebalance would make librdkafka drop the whole
        // assignment ("illegal generation"). Only partitions still held: the others are not ours to commit.
        try consumer.store(position.filter { held.contains($0.key) })
    }

    /// `position` with each partition's offset lowered to the oldest record an operator downstream still
    /// held at checkpoint `id`, if any.
    private func limited(_ position: [TopicPartition: Int64], checkpoint id: UInt64) -> [TopicPartition: Int64] {
        guard !retainedDownstream.isEmpty else { return position }
        var oldest: [Int32: Int64] = [:]
        for (positions, port) in retainedDownstream {
            for (p, o) in positions.held(atCheckpoint: id, port: port) { oldest[p] = min(oldest[p] ?? .max, o) }
        }
        guard !oldest.isEmpty else { return position }
        let numbers = sharedTopicNumbers.withLock { $0 }
        let single = !(settings.topics.count > 1 || settings.topics.first?.hasPrefix("^") == true)
        return position.reduce(into: [:]) { result, entry in
            let (tp, offset) = entry
            let number = single ? tp.partition : (numbers[tp.topic] ?? 0) << 20 | tp.partition
            result[tp] = min(offset, oldest[number] ?? .max)
        }
    }

    /// Stores the position after the last record and commits it. If the group is rebalancing (another
    /// member left first) the broker refuses the commit; the run still succeeds (its output is complete)
    /// and says so: the next run of the application reads those records again (at least once).
    public func runCompleted() throws {
        // Under exactly_once_v2 the final checkpoint's transaction committed the final position; a global
        // table's reader commits nothing.
        guard let consumer, transaction == nil, !settings.global else { return }
        try consumer.store(next)
        do { try consumer.commit(next) } catch {
            log(
                "source '\(name)': its final position was not committed (\(error)): the next run of the application reads "
                    + "these partitions again from the last committed offsets (at least once)")
        }
    }
}
