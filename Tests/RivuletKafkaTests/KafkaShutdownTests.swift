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
}
