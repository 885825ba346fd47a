// KafkaError: a failure reported by librdkafka or by the broker, with librdkafka's words.
import CRdKafka

/// What went wrong talking to Kafka: the operation, and librdkafka's reason (and code, when it gave one).
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// librdkafka's error code, when the failure came with one.
    public let code: Int32?

    public init(_ message: String, code: rd_kafka_resp_err_t? = nil) {
        self.message = message
        self.code = code.map { $0.rawValue }
    }

    /// `what` failed with `err`: the message carries librdkafka's text for the code.
    init(_ what: String, _ err: rd_kafka_resp_err_t) {
        self.init("\(what): \(String(cString: rd_kafka_err2str(err)))", code: err)
    }

    /// `what` failed with an `rd_kafka_error_t`, which this destroys.
    init(_ what: String, consuming error: OpaquePointer) {
        let text = String(cString: rd_kafka_error_string(error))
        let code = rd_kafka_error_code(error)
        rd_kafka_error_destroy(error)
        self.init("\(what): \(text)", code: code)
    }

    public var description: String { message }
}

/// The text librdkafka wrote into an error buffer (up to its terminating NUL).
func errorText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
