// KafkaConnectionOptions: how `rivulet kafka produce` and `consume` reach a cluster: servers and librdkafka properties.
import ArgumentParser
import RivuletKafka

/// `--bootstrap-servers` and `--property name=value`, each property checked by librdkafka as it is read
/// (a name it does not know or a value it refuses exits 2 with librdkafka's reason).
struct KafkaConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The cluster's bootstrap servers, HOST:PORT,… (what `rivulet kafka mock` prints).", valueName: "list"))
    var bootstrapServers: String

    @Option(
        name: .customLong("property"),
        help: ArgumentHelp("A librdkafka property, passed through (repeatable), e.g. compression.type=lz4.", valueName: "name=value"),
        transform: KafkaConnectionOptions.property)
    var properties: [Property] = []

    /// One `--property`.
    struct Property: Sendable {
        let name: String
        let value: String
    }

    /// Reads `name=value` and has librdkafka check it.
    static func property(_ text: String) throws -> Property {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ValidationError("expected name=value, such as compression.type=lz4")
        }
        let name = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        if let reason = KafkaProperties.check(name, value) { throw ValidationError("librdkafka refuses it: \(reason)") }
        return Property(name: name, value: value)
    }

    /// `bootstrap.servers`, then `defaults`, then the `--property` values (a later one wins).
    func kafkaProperties(_ defaults: [(String, String)] = []) -> KafkaProperties {
        var all = KafkaProperties([("bootstrap.servers", bootstrapServers)] + defaults)
        for property in properties { all[property.name] = property.value }
        return all
    }
}
