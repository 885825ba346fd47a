// KafkaProduceCommand: `rivulet kafka produce`: each line of a file becomes one record of a topic.
import ArgumentParser
import Foundation
import RivuletCore
import RivuletKafka

struct KafkaProduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce each line of a file as one record (its value: the line) to a topic.",
        discussion: """
            A CSV file's first line is its header: it is not produced, and names the columns --key-field and \
            --timestamp-field read (cells may be quoted; a quoted cell may span lines, and the record is then all those \
            lines). In JSON lines, they name top-level members (a string or a number). Without --key-field records have no \
            key (librdkafka spreads them over the partitions); without --timestamp-field their timestamp is the time they \
            are sent. Timestamps are epoch milliseconds. Empty lines are skipped. The topic must exist. Exit status: 0 \
            every record was acknowledged; 1 a line has no valid key or timestamp (the error names file:line, and says how \
            many records before it were produced), the file cannot be read, the topic does not exist, or a record was not \
            delivered; 2 the command line is invalid.
            """)

    /// How the file's lines are read.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl, lines

        /// From the file's extension: `.csv` → csv, `.jsonl` and `.json` → jsonl, anything else → lines.
        static func of(_ path: String) -> Format {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": .csv
            case "jsonl", "json": .jsonl
            default: .lines
            }
        }
    }

    @Argument(help: "The topic to produce to.")
    var topic: String

    @Argument(help: "The file; each line is one record.")
    var file: String

    @OptionGroup var connection: KafkaConnectionOptions

    @Option(help: "How lines are read (default: from the file's extension: .csv → csv, .jsonl or .json → jsonl, else lines).")
    var format: Format?

    @Option(help: ArgumentHelp("The CSV column or JSON member whose text is each record's key.", valueName: "name"))
    var keyField: String?

    @Option(help: ArgumentHelp("The CSV column or JSON member holding each record's timestamp (epoch milliseconds).", valueName: "name"))
    var timestampField: String?

    @Option(
        parsing: .unconditional, help: OptionRange.partition.help("Produce every record to this partition (default: by key)"),
        transform: OptionRange.partition.option)
    var partition: Int?

    private var resolvedFormat: Format { format ?? .of(file) }

    func validate() throws {
        guard KafkaTopicSpec.isValidName(topic) else {
            throw ValidationError("'\(topic)' is not a valid topic name: 1 to 249 of the characters a-z A-Z 0-9 . _ -")
        }
        if resolvedFormat == .lines && (keyField != nil || timestampField != nil) {
            throw ValidationError(
                "--key-field and --timestamp-field name CSV columns or JSON members: \(file) is read as lines; give --format csv or jsonl")
        }
    }

    func run() throws {
        let producer: KafkaProducer
        do { producer = try KafkaProducer(properties: connection.kafkaProperties()) } catch {
            printError("rivulet: kafka produce: \(error)")
            throw ExitCode(ExitStatus.invalid)
        }
        try checkTopic(producer)
        let format = resolvedFormat
        let reader: LineReader
        do { reader = try LineReader(path: file, csvDelimiter: format == .csv ? UInt8(ascii: ",") : nil) } catch {
            printError("rivulet: kafka produce: \(error)")
            throw ExitCode(ExitStatus.failed)
        }
        // CSV: known once the header is read.
        var fields: RecordFields? = format == .csv ? nil : RecordFields(jsonKey: keyField, timestamp: timestampField)
        while true {
            let line: UnsafeRawBufferPointer
            do {
                guard let next = try reader.next() else { break }
                line = next
            } catch {
                throw stop(producer, "\(file): \(error)")
            }
            if line.isEmpty { continue }
            let here = "\(file):\(reader.lineNumber)"
            if reader.unclosedQuote != nil { throw stop(producer, "\(here): a quoted cell is not closed") }
            guard let known = fields else {
                do {
                    fields = try RecordFields(
                        csvHeader: CSVDecoder.splitHeader(line, delimiter: UInt8(ascii: ",")), key: keyField, timestamp: timestampField)
                } catch {
                    throw stop(producer, "\(here): \(error.message)")
                }
                continue
            }
            do {
                let (key, timestamp) = try known.extract(line)
                try Self.produce(producer, topic: topic, partition: Int32(partition ?? -1), key: key, value: line, timestamp: timestamp)
            } catch let error as RecordFields.LineError {
                throw stop(producer, "\(here): \(error.message)")
            } catch {
                throw stop(producer, "\(here): \(error)")
            }
        }
        do { try producer.flush(timeoutMilliseconds: -1) } catch {
            printError("rivulet: kafka produce: \(error); \(producer.delivered) of \(producer.produced) records were delivered to \(topic)")
            throw ExitCode(ExitStatus.failed)
        }
        printError("produced \(producer.delivered) record\(producer.delivered == 1 ? "" : "s") to \(topic)")
    }

    /// Exits 1 unless the topic exists (and has `--partition`).
    private func checkTopic(_ producer: KafkaProducer) throws {
        let count: Int?
        do { count = try producer.partitionCount(of: topic) } catch {
            printError("rivulet: kafka produce: \(error) (bootstrap servers: \(connection.bootstrapServers))")
            throw ExitCode(ExitStatus.failed)
        }
        guard let count else {
            printError(
                "rivulet: kafka produce: topic '\(topic)' does not exist at \(connection.bootstrapServers) "
                    + "(create it first; `rivulet kafka mock --topic \(topic):PARTITIONS` creates it on a mock cluster)")
            throw ExitCode(ExitStatus.failed)
        }
        if let partition, partition >= count {
            printError("rivulet: kafka produce: --partition \(partition): topic '\(topic)' has partitions 0 to \(count - 1)")
            throw ExitCode(ExitStatus.failed)
        }
    }

    /// Queues one record (key and value are copied).
    private static func produce(
        _ producer: KafkaProducer, topic: String, partition: Int32, key: [UInt8]?, value: UnsafeRawBufferPointer, timestamp: Int64
    ) throws {
        guard let key else {
            try producer.produce(topic: topic, partition: partition, key: nil, value: value, timestamp: timestamp)
            return
        }
        try key.withUnsafeBytes { bytes in
            try producer.produce(topic: topic, partition: partition, key: bytes, value: value, timestamp: timestamp)
        }
    }

    /// Reports `what` stopped the command, waits for the records queued before it, says how many were
    /// produced, and returns exit status 1 to throw.
    private func stop(_ producer: KafkaProducer, _ what: String) -> ExitCode {
        printError("rivulet: kafka produce: \(what)")
        do {
            try producer.flush(timeoutMilliseconds: -1)
            printError("rivulet: kafka produce: stopped there: the \(producer.delivered) record(s) before it were produced to \(topic)")
        } catch {
            printError(
                "rivulet: kafka produce: stopped there: of the \(producer.produced) record(s) before it, \(producer.delivered) were produced to \(topic) (\(error))"
            )
        }
        return ExitCode(ExitStatus.failed)
    }
}
