// KafkaMockCommandTests: `rivulet kafka mock` prints its servers, writes the bootstrap file whole, and exits 0
// on SIGTERM or SIGINT, removing the file.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

@Suite struct KafkaMockCommandTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsTheMockWithExit0(signo: Int32) throws {
        let mock = try KafkaMockProcess.start(brokers: 2, topics: ["a:1", "b:12"])
        #expect(mock.bootstrapServers.split(separator: ",").count == 2, "\(mock.bootstrapServers)")
        #expect(mock.bootstrapServers.split(separator: ",").allSatisfy { $0.hasPrefix("127.0.0.1:") }, "\(mock.bootstrapServers)")
        #expect(Fixtures.read(mock.bootstrapFile) == mock.bootstrapServers + "\n")
        #expect(mock.stdout == "bootstrap.servers=\(mock.bootstrapServers)\n")
        #expect(mock.stderr.contains("created topic a (1 partition)\ncreated topic b (12 partitions)\n"), "\(mock.stderr)")
        // The topics are there, with their partitions.
        let reader = try KafkaReader(properties: KafkaProperties([("bootstrap.servers", mock.bootstrapServers)]))
        #expect(try reader.partitionCount(of: "b") == 12)
        #expect(try reader.partitionCount(of: "c") == nil)
        #expect(mock.stop(signal: signo) == 0, "\(mock.stderr)")
        #expect(mock.stderr.contains("\(signo == SIGTERM ? "SIGTERM" : "SIGINT"): stopping the mock cluster"), "\(mock.stderr)")
        #expect(!FileManager.default.fileExists(atPath: mock.bootstrapFile), "the bootstrap file is removed at the stop")
    }
}
