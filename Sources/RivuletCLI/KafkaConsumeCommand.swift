// KafkaConsumeCommand: `rivulet kafka consume`: reads every partition of a topic to its end, outside any consumer group.
import ArgumentParser
import Foundation
import RivuletKafka

struct KafkaConsumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Read every partition of a topic from its beginning to its end, and write the records in partition, offset order.",
        discussion: """
            The end of each partition is its high watermark when the command starts (under read_committed: its last \
            stable offset), so the command ends by itself; records written later are left out. It joins no consumer group \
            and commits nothing. Every record is kept in memory, then sorted by partition, then offset, and written: \
            --format value writes each value and a newline; --format json one object a line: \
            {"partition":P,"offset":O,"timestamp":T,"key":"…"|null,"headers":{"name":"value",…},"value":"…"} (bytes \
            read as UTF-8; a value or header value without bytes is null; T is -1 when the record has none). With --max, \
            reading stops after that many records (which ones, when several partitions have records, depends on the order \
            they arrive). An unknown topic is not created. Exit status: 0 read to the end; 1 the topic does not exist, \
            --timeout passed (the error names each partition not read to its end; nothing is written), or the output \
            cannot be written; 2 the command line is invalid.
            """)

    /// How each record is written.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case value, json
    }

    /// Kafka's `isolation.level`.
    enum Isolation: String, ExpressibleByArgument, CaseIterable {
        case readCommitted = "read_committed"
        case readUncommitted = "read_uncommitted"
    }

    @Argument(help: "The topic to read.")
    var topic: String

    @OptionGroup var connection: KafkaConnectionOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the records to this file (default: stdout).", valueName: "file"))
    var output: String?

    @Option(help: "How records are written: value (each value and a newline) or json (one object a line).")
    var format: Format = .value

    @Option(help: "Kafka's isolation.level: read_committed leaves out records of aborted transactions (a real cluster does; the mock cannot).")
    var isolation: Isolation = .readCommitted

    @Option(parsing: .unconditional, help: OptionRange.records.help("Stop after this many records"), transform: OptionRange.records.option)
    var max: Int?

    @Option(
        parsing: .unconditional, help: OptionRange.timeout.help("Seconds the whole read may take, 30 unless told"),
        transform: OptionRange.timeout.option)
    var timeout: Int = 30

    func validate() throws {
        guard KafkaTopicSpec.isValidName(topic) else {
            throw ValidationError("'\(topic)' is not a valid topic name: 1 to 249 of the characters a-z A-Z 0-9 . _ -")
        }
    }

    func run() throws {
        let records: [KafkaRecord]
        do {
            let reader = try KafkaReader(properties: connection.kafkaProperties([("isolation.level", isolation.rawValue)]))
            records = try reader.readToEnd(topic: topic, max: max ?? .max, timeoutMilliseconds: timeout * 1000)
        } catch {
            printError("rivulet: kafka consume: \(error) (bootstrap servers: \(connection.bootstrapServers))")
            throw ExitCode(ExitStatus.failed)
        }
        var out = Data()
        for record in records {
            switch format {
            case .value: out.append(contentsOf: record.value ?? [])
            case .json: out.append(contentsOf: record.jsonLine.utf8)
            }
            out.append(UInt8(ascii: "\n"))
        }
        do {
            if let output {
                try out.write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                try FileHandle.standardOutput.write(contentsOf: out)
            }
        } catch {
            printError("rivulet: kafka consume: cannot write \(output ?? "stdout"): \(error.localizedDescription)")
            throw ExitCode(ExitStatus.failed)
        }
        printError("read \(records.count) record\(records.count == 1 ? "" : "s") from \(topic)")
    }
}
