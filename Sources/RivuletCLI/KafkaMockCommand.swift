// KafkaMockCommand: `rivulet kafka mock`: librdkafka's mock Kafka cluster on loopback until SIGINT or SIGTERM.
import ArgumentParser
import Foundation
import RivuletKafka

struct KafkaMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Run librdkafka's mock Kafka cluster on loopback until SIGINT or SIGTERM.",
        discussion: """
            Creates every --topic, prints one line `bootstrap.servers=HOST:PORT,…` on stdout and, with --bootstrap-file, \
            writes the servers to that file (written whole, then renamed into place: once it exists it is complete; it is \
            removed at the start and again at the stop). Any Kafka client connects to the servers. The mock keeps \
            everything in memory; it cannot create topics through the admin API (create them here), it creates a topic \
            any client asks metadata for by name (4 partitions), and it does not hide aborted transactions from \
            read_committed consumers. Exit status: 0 stopped by SIGINT or SIGTERM; 1 it could not start; 2 the command \
            line is invalid.
            """)

    @Option(parsing: .unconditional, help: OptionRange.brokers.help("Brokers, 3 unless told"), transform: OptionRange.brokers.option)
    var brokers: Int = 3

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "A topic to create, NAME:PARTITIONS (repeatable; partitions \(OptionRange.partitions.text)).", valueName: "name:partitions"),
        transform: KafkaTopicSpec.parse)
    var topics: [KafkaTopicSpec] = []

    @Option(help: ArgumentHelp("Also write the bootstrap servers (one line) to this file once the cluster is ready.", valueName: "path"))
    var bootstrapFile: String?

    func validate() throws {
        var seen: Set<String> = []
        for topic in topics where !seen.insert(topic.name).inserted {
            throw ValidationError("--topic \(topic.name) is given twice")
        }
    }

    func run() throws {
        let signals = SignalWait()
        defer { signals.uninstall() }
        if let bootstrapFile { removeBootstrapFile(bootstrapFile) }
        let cluster: KafkaMockCluster
        do {
            cluster = try KafkaMockCluster(brokers: brokers)
            for topic in topics {
                try cluster.createTopic(topic.name, partitions: topic.partitions)
                printError("created topic \(topic.name) (\(topic.partitions) partition\(topic.partitions == 1 ? "" : "s"))")
            }
        } catch {
            printError("rivulet: kafka mock: \(error)")
            throw ExitCode(ExitStatus.failed)
        }
        print("bootstrap.servers=\(cluster.bootstrapServers)")
        fflush(nil)  // every C stream: stdout, where `print` wrote
        if let bootstrapFile {
            if let failure = Self.writeWhole(cluster.bootstrapServers + "\n", to: bootstrapFile) {
                printError("rivulet: kafka mock: cannot write --bootstrap-file \(bootstrapFile): \(failure)")
                throw ExitCode(ExitStatus.failed)
            }
        }
        let signo = signals.wait()
        printError("rivulet: \(StopSignals.name(signo)): stopping the mock cluster")
        if let bootstrapFile { removeBootstrapFile(bootstrapFile) }
        withExtendedLifetime(cluster) {}
    }

    /// Removes a bootstrap file left by an earlier mock (or this one's, at the stop), so that a script
    /// waiting for it never reads servers nobody serves.
    private func removeBootstrapFile(_ path: String) {
        if unlink(path) != 0 && errno != ENOENT {
            printError("rivulet: kafka mock: cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `text` to a temporary file beside `path`, then renames it to `path`: a reader that sees
    /// `path` sees all of it. Returns why it failed, or nil.
    static func writeWhole(_ text: String, to path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do { try Data(text.utf8).write(to: temporary) } catch { return error.localizedDescription }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            return "renaming \(temporary.path) to it: \(reason)"
        }
        return nil
    }
}
