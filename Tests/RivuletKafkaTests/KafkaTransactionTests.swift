// KafkaTransactionTests: the process's transaction: commit, release of waiting writers, abort.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// `KafkaTransaction` against librdkafka's mock cluster: records produced inside it are committed by
/// `commit` (the mock cluster writes no transaction markers and hides nothing aborted, so what it can
/// show is that the transactional calls succeed and the records arrive), writers waiting at a
/// barrier are released by that checkpoint's commit or abandonment, and an abort fails them with the reason.
@Suite(.serialized) struct KafkaTransactionTests {
    static func produce(_ transaction: KafkaTransaction, _ topic: String, _ values: [String]) throws {
        let producer = try transaction.producer()
        for v in values {
            try Array(v.utf8).withUnsafeBytes { try producer.produce(topic: topic, partition: 0, key: nil, value: $0, timestamp: 0) }
        }
    }

    @Test func recordsProducedInsideAreCommitted() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("t", partitions: 1)
        let transaction = KafkaTransaction(applicationID: "tx", properties: KafkaProperties([("bootstrap.servers", mock.bootstrapServers)]))
        #expect(transaction.transactionalID.hasPrefix("tx-"))
        try Self.produce(transaction, "t", ["a", "b", "c"])
        try transaction.commit(checkpoint: 1)
        try Self.produce(transaction, "t", ["d"])
        try transaction.commit(checkpoint: 2)
        let records = try readTopic(mock.bootstrapServers, "t", count: 4)
        #expect(records.map(\.value) == ["a", "b", "c", "d"])
        #expect(transaction.committed.value == 2)
        transaction.close()
    }

    @Test func aWriterAtABarrierWaitsForThatCheckpointsCommit() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("t", partitions: 1)
        let transaction = KafkaTransaction(applicationID: "tx", properties: KafkaProperties([("bootstrap.servers", mock.bootstrapServers)]))
        try Self.produce(transaction, "t", ["a"])
        let released = Flag()
        let waiter = Thread {
            try? transaction.awaitResolution(of: 1)
            released.set()
        }
        waiter.start()
        // Not released by the abandonment of an older checkpoint, only by checkpoint 1's commit.
        transaction.abandoned(checkpoint: 0)
        #expect(!released.isSet)
        try transaction.commit(checkpoint: 1)
        #expect(waitUntil(timeout: 30) { released.isSet })
        // An abandoned checkpoint releases its writers too: they go on inside the same transaction.
        transaction.abandoned(checkpoint: 2)
        try transaction.awaitResolution(of: 2)
        transaction.close()
    }

    @Test func anAbortFailsWaitingWritersWithTheReason() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("t", partitions: 1)
        let transaction = KafkaTransaction(applicationID: "tx", properties: KafkaProperties([("bootstrap.servers", mock.bootstrapServers)]))
        try Self.produce(transaction, "t", ["a", "b"])
        transaction.abort(reason: "exactly_once_v2: task 'x' failed")
        #expect {
            try transaction.awaitResolution(of: 1)
        } throws: { ($0 as? KafkaError)?.message == "exactly_once_v2: task 'x' failed" }
        #expect(throws: KafkaError.self) { try transaction.producer() }
    }
}

/// A flag set by one thread and read by another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
