// KafkaDeadLetterSink: failed records to a Kafka topic (a dead-letter queue), with the reason as headers.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution

/// Each dead letter becomes one record of `topic`: its value is the same JSON object a dead-letter file
/// gets (`{"node":…,"reason":…,"raw":…|"record":{…}}`), its headers `rivulet.node` and
/// `rivulet.reason` (as Kafka Connect's dead-letter queue names the error in headers), no key, the time
/// of the failure as its timestamp. The producer is idempotent; `flush` (at every checkpoint, before
/// offsets are committed, and at the end) waits until the brokers have them. Under exactly_once_v2
/// (`transaction`) they go into the process's transaction instead. Called from every task: thread-safe.
public final class KafkaDeadLetterSink: DeadLetterSink, @unchecked Sendable {
    public let topic: String
    private let properties: KafkaProperties
    private let lock = NSLock()
    private var producer: KafkaProducer?
    private var written = 0
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
            if producer == nil { producer = try transaction?.producer() ?? KafkaProducer(properties: properties) }
            try JSONDeadLetterWriter.writeObject(node: node, reason: reason, record: record, schema: schema, raw: raw, to: scratch)
            let nodeBytes = Array(node.utf8), reasonBytes = Array(reason.utf8)
            try scratch.takeBuffered { value in
                try nodeBytes.withUnsafeBytes { n in
                    try reasonBytes.withUnsafeBytes { r in
                        try producer!.produce(
                            topic: topic, key: nil, value: value,
                            headers: [KafkaProducer.Header(name: "rivulet.node", value: n), KafkaProducer.Header(name: "rivulet.reason", value: r)],
                            timestamp: 0)
                    }
                }
            }
            written += 1
        }
    }

    /// Waits until the brokers acknowledged every dead letter (under exactly_once_v2 the commit does).
    public func flush() throws {
        guard transaction == nil, let producer = lock.withLock({ producer }) else { return }
        try producer.flush()
    }
}
