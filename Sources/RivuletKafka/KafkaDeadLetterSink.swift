// KafkaDeadLetterSink: failed records to a Kafka topic (a dead-letter queue), with the reason as headers.
import CRdKafka
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution

/// Each dead letter becomes one record of `topic`: its value is the same JSON object a dead-letter file
/// gets (`{"node":…,"reason":…,"raw":…|"record":{…}}`), its headers `rivulet.node` and
/// `rivulet.reason` (as Kafka Connect's dead-letter queue names the error in headers), no key, the time
/// of the failure as its timestamp. The producer is idempotent; `flush` (at every checkpoint, before
/// offsets are committed, and at the end) waits until the brokers have them. Under exactly_once_v2
/// (`transaction`) they are collected and produced by `flush`, on the coordinator's thread, into the
/// transaction about to commit (those of records after a barrier join that checkpoint's transaction: at
/// least once). Called from every task: thread-safe.
public final class KafkaDeadLetterSink: DeadLetterSink, @unchecked Sendable {
    public let topic: String
    private let properties: KafkaProperties
    private let lock = NSLock()
    private var producer: KafkaProducer?
    private var written = 0
    /// exactly_once_v2: dead letters not yet produced (the JSON object, node, reason).
    private var pending: [([UInt8], String, String)] = []
    private let scratch = ByteWriter(memory: "dead letters")
    /// exactly_once_v2: the process's transaction.
    public var transaction: KafkaTransaction?
    public var destination: String { "Kafka topic \(topic)" }

    public init(topic: String, properties: KafkaProperties) {
        self.topic = topic
        self.properties = properties
    }

    public var count: Int { lock.withLock { written } }

    public func deadLetter(
        node: String, reason: String, record: UnsafePointer<rv_record>?, schema: Schema, raw: UnsafeRawBufferPointer?
    ) throws {
        try lock.withLock {
            var object: [UInt8] = []
            do {
                try JSONDeadLetterWriter.writeObject(node: node, reason: reason, record: record, schema: schema, raw: raw, to: scratch)
            } catch {
                scratch.takeBuffered { _ in }  // nothing of a failed dead letter prefixes the next one
                throw error
            }
            scratch.takeBuffered { object = Array($0) }
            // Under exactly_once_v2 they wait for the coordinator (`flush`), which produces them inside the
            // transaction: a task's own produce could fall between a commit and the next begin.
            if transaction != nil {
                pending.append((object, node, reason))
                written += 1
                return
            }
            if producer == nil { producer = try KafkaProducer(properties: properties) }
            try produce(object, node: node, reason: reason)
            written += 1
        }
    }

    /// Produces one dead letter. One too large for the topic (librdkafka's `message.max.bytes`, 1 MB
    /// unless set) goes without the input's bytes, its reason saying so — the run goes on, and where the
    /// input came from is in the reason.
    private func produce(_ object: [UInt8], node: String, reason: String) throws {
        do { try produceAsIs(object, node: node, reason: reason) } catch let error as KafkaError
            where error.code == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue
        {
            let shorter =
                reason + " (this dead letter, \(object.count) bytes with the input, is larger than the topic's maximum message size: "
                + "the input is left out)"
            try JSONDeadLetterWriter.writeObject(node: node, reason: shorter, record: nil, schema: Schema([]), raw: nil, to: scratch)
            var small: [UInt8] = []
            scratch.takeBuffered { small = Array($0) }
            try produceAsIs(small, node: node, reason: shorter)
        }
    }

    private func produceAsIs(_ object: [UInt8], node: String, reason: String) throws {
        let nodeBytes = Array(node.utf8), reasonBytes = Array(reason.utf8)
        try object.withUnsafeBytes { value in
            try nodeBytes.withUnsafeBytes { n in
                try reasonBytes.withUnsafeBytes { r in
                    try producer!.produce(
                        topic: topic, key: nil, value: value,
                        headers: [KafkaProducer.Header(name: "rivulet.node", value: n), KafkaProducer.Header(name: "rivulet.reason", value: r)],
                        timestamp: 0)
                }
            }
        }
    }

    /// Waits until the brokers acknowledged every dead letter; under exactly_once_v2 produces those
    /// collected since the last call into the open transaction (its commit waits for them).
    public func flush() throws {
        if let transaction {
            try lock.withLock {
                guard !pending.isEmpty else { return }
                if producer == nil { producer = try transaction.producer() }
                for (object, node, reason) in pending { try produce(object, node: node, reason: reason) }
                pending = []
            }
            return
        }
        guard let producer = lock.withLock({ producer }) else { return }
        try producer.flush()
    }
}
