// KafkaCommand: `rivulet kafka`: a mock cluster to try things on, and files into and out of topics.
import ArgumentParser

struct KafkaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Start librdkafka's mock Kafka cluster; produce a file's lines to a topic; read a topic to its end (docs/KAFKA.md).",
        subcommands: [KafkaMockCommand.self, KafkaProduceCommand.self, KafkaConsumeCommand.self])
}
