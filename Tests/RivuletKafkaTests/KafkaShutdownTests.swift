// KafkaShutdownTests: a process stopped while its consumer is between joining the group and its assignment stops cleanly.
import Foundation
import RivuletKafka
import RivuletTestSupport
import Testing

/// Debian's librdkafka 2.0.2 aborts (`rd_kafka_sticky_assignor_state_destroy: Assertion
/// 'assignor_state' failed`, librdkafka issue #4312, fixed in 2.3.0) when a cooperative-sticky consumer
/// is destroyed after the group coordinator answered its JoinGroup and before its SyncGroup brought an
/// assignment. A `rivulet run` stopped in that window — SIGTERM, or a failure elsewhere — crashed
/// instead of stopping cleanly. The mock coordinator here answers SyncGroup 60 s late, so the window is
/// held open until the test stops the process.
@Suite(.serialized) struct KafkaShutdownTests {
    @Test func aProcessStoppedBeforeItsFirstAssignmentStopsCleanly() throws {
        let mock = try KafkaMockCluster(brokers: 1)
        try mock.createTopic("events", partitions: 2)
        try mock.delayAnswers(apiKey: 14, count: 4, milliseconds: 60_000)  // SyncGroup
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-shutdown")
        Fixtures.write(
            """
            application_id: shut
            kafka: { bootstrap_servers: "\(mock.bootstrapServers)", properties: \(KafkaConnectorTests.fastGroup) }
            sources:
              events: { type: kafka, topics: events, format: jsonl, schema: { n: i64 }, properties: { debug: cgrp } }
            sinks:
              out: { type: file, path: out.jsonl }
            edges: [events -> out]
            """, to: folder + "/m.yaml")
        let process = try BackgroundRivulet(["run", folder + "/m.yaml"])
        #expect(waitUntil(timeout: 60) { process.stderr.contains("JoinGroup response") }, "\(process.stderr)")
        process.signal(SIGTERM)
        let run = process.wait(timeout: 60)
        #expect(!run.signaled && !run.timedOut, "\(run.stderr)")
        #expect(run.status == 143, "\(run.stderr)")
        #expect(!run.stderr.contains("Assertion"), "\(run.stderr)")
        #expect(run.stderr.contains("rivulet: stopped by SIGTERM"), "\(run.stderr)")
        _ = mock
    }

    /// The brokers go away, then the process is stopped: its savepoint cannot complete (the repartition
    /// writer's records are never acknowledged). Before, it retried the savepoint at every interval for
    /// ever — the process did not stop until a second signal. Now it gives up 30 s after the stop was
    /// requested, and fails naming the last checkpoint the output is committed up to. With librdkafka's
    /// default timeouts (as here) it took 3 minutes even so — each attempt waited 60 s for
    /// acknowledgements, and each consumer's close a session timeout or two; now an attempt still going
    /// at 30 s is abandoned, a failed run's sinks wait at most 5 s more, and a close at most 10 s.
    @Test func aStopWhoseSavepointCannotCompleteGivesUp() throws {
        var mock: KafkaMockCluster? = try KafkaMockCluster(brokers: 1)
        for topic in ["in", "out", "gone-w-repartition", "gone-w-changelog"] { try mock!.createTopic(topic, partitions: 1) }
        let folder = Fixtures.temporaryDirectory("rivulet-kafka-broker-gone")
        Fixtures.write(
            """
            application_id: gone
            kafka: { bootstrap_servers: "\(mock!.bootstrapServers)" }
            checkpoint: { interval: 200ms, dir: chk }
            sources:
              in: { type: kafka, topics: in, format: csv, schema: { ts: i64, k: string }, time: { type: event, field: ts } }
            operators:
              w: { window: tumbling, size: 10s, key_by: k, aggregates: { n: count() } }
            sinks:
              out: { type: kafka, topic: out, format: csv }
            edges: [in -> w, w.out -> out]
            """, to: folder + "/m.yaml")
        let process = try BackgroundRivulet(["run", folder + "/m.yaml"])
        #expect(waitUntil(timeout: 60) { process.stderr.contains("w: restored partitions") }, "\(process.stderr)")
        try KafkaConnectorTests.produce(mock!.bootstrapServers, "in", (1...100).map { (0, nil, "\($0 * 1000),k\($0 % 5)", 0, []) })
        // The records went through the window's repartition writer (its markers are then repeated at
        // every checkpoint, and a savepoint waits for them to be acknowledged).
        let written = waitUntil(timeout: 60) {
            ((try? KafkaExactlyOnceTests.written(mock!.bootstrapServers, topic: "gone-w-repartition", partitions: 1)) ?? 0) >= 100
        }
        #expect(written, "\(process.stderr)")
        let completed = waitUntil(timeout: 60) {
            (try? FileManager.default.contentsOfDirectory(atPath: folder + "/chk"))?.contains { $0.hasPrefix("chk-") } ?? false
        }
        #expect(completed, "\(process.stderr)")
        mock = nil
        process.signal(SIGTERM)
        let run = process.wait(timeout: 120)
        #expect(!run.timedOut, "still running 120 s after SIGTERM: \(run.stderr.suffix(3000))")
        #expect(run.status == 143, "\(run.stderr.suffix(3000))")
        #expect(run.stderr.contains("stop requested, but no savepoint completed in 30 s"), "\(run.stderr.suffix(3000))")
        #expect(run.stderr.contains("the output is committed up to checkpoint"), "\(run.stderr.suffix(3000))")
    }
}
