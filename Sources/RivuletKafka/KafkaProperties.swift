// KafkaProperties: librdkafka configuration properties, applied one at a time so a bad one is named.
import CRdKafka

/// librdkafka properties (`bootstrap.servers`, `compression.type`, …), in the order they were given.
/// Later entries replace earlier ones with the same name.
public struct KafkaProperties: Sendable, Hashable {
    public private(set) var entries: [(name: String, value: String)] = []

    public init(_ entries: [(String, String)] = []) {
        for (name, value) in entries { self[name] = value }
    }

    public subscript(name: String) -> String? {
        get { entries.last { $0.name == name }?.value }
        set {
            entries.removeAll { $0.name == name }
            if let newValue { entries.append((name, newValue)) }
        }
    }

    /// A new `rd_kafka_conf_t` holding every property; the caller owns it (librdkafka takes it over in
    /// `rd_kafka_new`). Throws librdkafka's reason for the first property it refuses.
    func makeConf() throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var reason = [CChar](repeating: 0, count: 512)
        for (name, value) in entries {
            let result = rd_kafka_conf_set(conf, name, value, &reason, reason.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError("Kafka property '\(name)': \(errorText(reason))")
            }
        }
        return conf
    }

    /// Whether librdkafka accepts `name = value` (for checks before a run; nothing is connected).
    public static func check(_ name: String, _ value: String) -> String? {
        let conf = rd_kafka_conf_new()!
        defer { rd_kafka_conf_destroy(conf) }
        var reason = [CChar](repeating: 0, count: 512)
        return rd_kafka_conf_set(conf, name, value, &reason, reason.count) == RD_KAFKA_CONF_OK ? nil : errorText(reason)
    }

    public static func == (a: KafkaProperties, b: KafkaProperties) -> Bool {
        a.entries.map(\.name) == b.entries.map(\.name) && a.entries.map(\.value) == b.entries.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in entries {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}
