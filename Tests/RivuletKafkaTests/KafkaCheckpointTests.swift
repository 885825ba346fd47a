// KafkaCheckpointTests: a checkpointed run from Kafka to a file, killed and restarted, writes every record once.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// With `checkpoint:`, a Kafka source saves its partitions' offsets in each checkpoint and commits them
/// to the consumer group when the checkpoint completes; a restart resumes from the checkpoint, and the
/// two-phase file sink keeps only committed output. SIGKILLs mid-run lose and duplicate nothing.
@Suite(.serialized) struct KafkaCheckpointTests {
    @Test func killedMidRunAndRestartedEveryRecordIsWrittenOnce() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 3)
        let count = 150_000
        try KafkaConnectorTests.produce(mock.bootstrapServers, "events", (0..<count).map { (Int32($0 % 3), nil, "\($0)", 0, []) })
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-eo")
        Fixtures.write(
            """
            application_id: eo
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            checkpoint: { interval: 20ms, dir: chk }
            sources:
              events: { type: kafka, topics: events, format: csv, schema: { n: i64 }, until: end, batch_size: 64 }
            sinks:
              out: { type: file, path: out.csv, header: false }
            edges: [events -> out]
            """, to: folder + "/m.yaml")
        var kills = 0
        for attempt in 0..<3 {
            let run = try BackgroundRivulet(["run", folder + "/m.yaml", "--quiet"])
            // Killed once some output is committed beyond what the last attempt left.
            let before = Fixtures.read(folder + "/out.csv").count
            let progressed = waitUntil(timeout: 120) { Fixtures.read(folder + "/out.csv").count > before || !run.isRunning }
            #expect(progressed, "attempt \(attempt): \(run.stderr)")
            guard run.isRunning else { break }
            run.signal(SIGKILL)
            _ = run.wait()
            kills += 1
        }
        let last = try RivuletProcess.run(["run", folder + "/m.yaml", "--quiet"], deadline: 300)
        #expect(last.status == 0, "\(last.stderr)")
        let written = Fixtures.read(folder + "/out.csv").split(separator: "\n").map { Int($0)! }
        #expect(written.count == count, "after \(kills) kills")
        #expect(written.sorted() == Array(0..<count))
        // Each partition's records in their order.
        for p in 0..<3 { #expect(written.filter { $0 % 3 == p } == Array(stride(from: p, to: count, by: 3))) }
        #expect(kills > 0)
    }
}
