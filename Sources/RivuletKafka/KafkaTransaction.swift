// KafkaTransaction: exactly_once_v2: one transactional producer per process, committed at each checkpoint.
import Foundation
import RivuletCore

/// Kafka Streams' `exactly_once_v2`, cut by Rivulet's aligned checkpoints. Every Kafka writer of the
/// process — sinks, repartition writers, changelogs — produces through one transactional producer
/// (`transactional.id` = `<application_id>-<a random UUID>`), always inside an open transaction. When
/// checkpoint n completes, the coordinator writes the changelogs, adds each source's offsets at barrier
/// n (`sendOffsets`), and commits (`commit`): outputs, state and offsets become visible together or
/// not at all. A writer that passed barrier n waits (`awaitResolution`) before producing anything
/// more until that commit is done, so a transaction holds exactly the records before its barrier. A
/// checkpoint that is abandoned keeps the transaction open (the next one commits it all). A failed
/// commit, or a run that fails, aborts the transaction: `read_committed` readers never see its records,
/// and the next run resumes from the last committed offsets and changelog state.
///
/// Thread-safe: writers call `producer` and `awaitResolution` from task threads; the coordinator calls
/// the rest from the plan's thread, while every writer waits.
public final class KafkaTransaction: @unchecked Sendable {
    public let transactionalID: String
    private let properties: KafkaProperties
    /// How long a transactional call may take before it fails.
    public let timeoutMilliseconds: Int32
    private let condition = NSCondition()
    // Under `condition`:
    private var started: KafkaProducer?
    /// The newest checkpoint whose barrier's transaction is resolved (committed, or its checkpoint abandoned).
    private var resolved: UInt64 = 0
    private var failure: String?
    /// Offsets added to the open transaction (for the summary), and transactions committed.
    public let committed = MetricsCounter(name: "transactions_committed")
    public let offsetsSent = MetricsCounter(name: "transaction_offsets_sent")

    /// `properties`: the `kafka:` section's (bootstrap servers included); `transaction.timeout.ms`
    /// defaults to 10 s as in Kafka Streams: the longest a crashed process's open transaction holds back
    /// `read_committed` readers.
    public init(applicationID: String, properties: KafkaProperties, timeoutMilliseconds: Int32 = 60_000) {
        transactionalID = "\(applicationID)-\(UUID().uuidString.lowercased())"
        var all = KafkaProperties([("transaction.timeout.ms", "10000")])
        for (name, value) in properties.entries { all[name] = value }
        all["transactional.id"] = transactionalID
        all["enable.idempotence"] = "true"
        self.properties = all
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// The producer, inside an open transaction: created, registered and begun on first use.
    public func producer() throws(KafkaError) -> KafkaProducer {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw KafkaError(failure) }
        if let started { return started }
        do {
            let p = try KafkaProducer(properties: properties)
            try p.initTransactions(timeoutMilliseconds: timeoutMilliseconds)
            try p.beginTransaction()
            started = p
            return p
        } catch let error as KafkaProducer.TransactionFailure {
            failure = "exactly_once_v2: \(error.error.message)"
            throw error.error
        } catch {
            failure = "exactly_once_v2: \(error)"
            throw KafkaError(failure!)
        }
    }

    /// A writer that passed barrier `id` waits here before producing again, until that checkpoint's
    /// transaction is committed or the checkpoint abandoned. Throws once the transaction failed.
    public func awaitResolution(of id: UInt64) throws(KafkaError) {
        condition.lock()
        defer { condition.unlock() }
        while resolved < id && failure == nil { condition.wait() }
        if let failure { throw KafkaError(failure) }
    }

    /// Adds `offsets` of `consumer`'s group to the open transaction (the coordinator's thread).
    public func sendOffsets(_ offsets: [TopicPartition: Int64], of consumer: KafkaConsumer) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let p = try producer()
        do {
            try p.sendOffsets(offsets, of: consumer, timeoutMilliseconds: timeoutMilliseconds)
            offsetsSent.add(Int64(offsets.count))
        } catch {
            throw fail(error)
        }
    }

    /// Commits the open transaction as checkpoint `id`'s and begins the next; then releases the
    /// writers waiting at barrier `id`. A failure aborts the transaction and fails every writer.
    public func commit(checkpoint id: UInt64) throws(KafkaError) {
        let p = try producer()
        // Each call is retried on its own: a commit that succeeded is never repeated.
        try retrying { () throws(KafkaProducer.TransactionFailure) in try p.commitTransaction(timeoutMilliseconds: timeoutMilliseconds) }
        try retrying { () throws(KafkaProducer.TransactionFailure) in try p.beginTransaction() }
        committed.add(1)
        resolve(id)
    }

    /// Runs `call`, again (up to 3 times in all) while it fails with a retriable error; a failure that
    /// remains aborts the transaction.
    private func retrying(_ call: () throws(KafkaProducer.TransactionFailure) -> Void) throws(KafkaError) {
        var attempts = 0
        while true {
            do {
                try call()
                return
            } catch {
                attempts += 1
                if error.retriable && !error.requiresAbort && !error.fatal && attempts < 3 { continue }
                throw fail(error)
            }
        }
    }

    /// Checkpoint `id` was abandoned: its writers go on inside the same transaction.
    public func abandoned(checkpoint id: UInt64) { resolve(id) }

    private func resolve(_ id: UInt64) {
        condition.lock()
        resolved = max(resolved, id)
        condition.broadcast()
        condition.unlock()
    }

    /// Marks the transaction failed (waiting writers throw `reason`) and aborts it, if one is open.
    public func abort(reason: String) {
        condition.lock()
        if failure == nil { failure = reason }
        let p = started
        started = nil
        condition.broadcast()
        condition.unlock()
        try? p?.abortTransaction(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// At the end of a run that succeeded: the transaction begun after the final commit holds nothing.
    public func close() {
        condition.lock()
        let p = started
        started = nil
        if failure == nil { failure = "exactly_once_v2: the run has ended" }
        condition.broadcast()
        condition.unlock()
        try? p?.abortTransaction(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// A failed transactional call: aborts (unless the producer is fenced or fatally broken) and fails.
    private func fail(_ error: KafkaProducer.TransactionFailure) -> KafkaError {
        let reason =
            "exactly_once_v2: \(error.error.message)"
            + (error.fatal ? " (this process was fenced or its producer failed)" : "")
            + "; the transaction is aborted: a restart resumes from the last committed transaction"
        abort(reason: reason)
        return KafkaError(reason)
    }
}
