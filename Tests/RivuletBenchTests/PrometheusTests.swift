// PrometheusTests: the metrics endpoint over real HTTP on loopback, during and after a run; the CLI flag.
import Foundation
import RivuletBench
import RivuletPrometheus
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct PrometheusTests {
    /// GET `path` from 127.0.0.1:`port` with a plain socket; returns the status line and the body.
    static func get(_ port: Int, _ path: String) throws -> (status: String, body: String) {
        let fd = try connectClient(port)
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        return readResponse(fd)
    }

    /// A blocking client socket connected to 127.0.0.1:`port`; reads give up after 10 s (no test hangs).
    static func connectClient(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { close(fd) }
        try #require(connected == 0, "connect to \(port)")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Reads until the server closes; returns the status line and the body.
    static func readResponse(_ fd: Int32) -> (status: String, body: String) {
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (String(parts[0].split(separator: "\r\n").first ?? ""), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The value of the sample `name{labels}` in an exposition, if present.
    static func sample(_ body: String, _ series: String) -> Double? {
        body.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func exposesEveryCounterAfterARun() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan(MetricsSnapshotTests.cardPayments(runner))
        let publisher = PlanMetricsPublisher(snapshot: { plan.metricsSnapshot() })
        let server = try MetricsHTTPServer(port: 0, body: publisher.exposition)
        defer { server.stop() }
        _ = try plan.run()
        let (status, body) = try Self.get(server.port, "/metrics")
        #expect(status == "HTTP/1.1 200 OK")
        #expect(body.contains("# TYPE rivulet_records_in_total counter"))
        // Every metric says what it counts.
        let lines = body.split(separator: "\n")
        let typed = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        let helped = Set(lines.filter { $0.hasPrefix("# HELP ") && $0.split(separator: " ").count > 3 }.map { $0.split(separator: " ")[2] })
        #expect(typed.count > 10 && typed.allSatisfy(helped.contains), "\(typed.filter { !helped.contains($0) })")
        #expect(body.contains("# HELP rivulet_records_in_total Records an operator instance took in"))
        #expect(Self.sample(body, #"rivulet_records_in_total{operator="payments",instance="0"}"#) == 8)
        #expect(Self.sample(body, #"rivulet_records_out_total{operator="mask",instance="0"}"#) == 6)
        #expect(Self.sample(body, #"rivulet_errors_total{operator="mask",instance="0"}"#) == 1)
        let converted =
            (Self.sample(body, #"rivulet_plugin_counter_total{operator="to_eur",instance="0",counter="converted"}"#) ?? 0)
            + (Self.sample(body, #"rivulet_plugin_counter_total{operator="to_eur",instance="1",counter="converted"}"#) ?? 0)
        #expect(converted == 4)
        #expect(body.contains("rivulet_ring_occupancy{ring=\"mask.out -> to_eur#0.in\"}"))
        #expect(Self.sample(body, #"rivulet_ring_capacity{ring="mask.out -> to_eur#1.in"}"#) == 64)
        #expect(body.contains("# TYPE rivulet_ring_blocked_seconds_total counter"))
        #expect((Self.sample(body, "rivulet_process_resident_memory_bytes") ?? 0) > 1_000_000)
        // A second scrape sees the same totals (counters are mirrored, not added twice).
        let again = try Self.get(server.port, "/metrics").body
        #expect(Self.sample(again, #"rivulet_records_in_total{operator="payments",instance="0"}"#) == 8)
        #expect(try Self.get(server.port, "/nothing").status == "HTTP/1.1 404 Not Found")
    }

    /// A paced run far longer than the test (100 s) is scraped while it runs until two scrapes have seen
    /// the sink's count rise, then stopped: the values rise, and a scrape after the run sees the total.
    @Test func countersMoveWhileARunIsInProgress() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan(
            """
            name: live
            sources:
              gen: { type: generator, count: 4000000, rate: 40000, keys: 10 }
            sinks:
              out: { type: "null" }
            edges: [gen -> out]
            """)
        let publisher = PlanMetricsPublisher(snapshot: { plan.metricsSnapshot() })
        let server = try MetricsHTTPServer(port: 0, body: publisher.exposition)
        defer { server.stop() }
        let series = #"rivulet_records_in_total{operator="out",instance="0"}"#
        var scraped: [Double] = []
        let deadline = Deadline(seconds: 60)
        let summary = try plan.run(progressInterval: 0.05) { _ in
            if let body = try? Self.get(server.port, "/metrics").body, let v = Self.sample(body, series) { scraped.append(v) }
            if Set(scraped.filter { $0 > 0 }).count >= 2 || deadline.hasPassed { plan.requestStop() }
        }
        #expect(Set(scraped.filter { $0 > 0 }).count >= 2, "two scrapes saw different counts while running: \(scraped)")
        #expect(scraped == scraped.sorted())
        #expect(scraped.allSatisfy { $0 < 4_000_000 })
        let total = Self.sample(try Self.get(server.port, "/metrics").body, series)
        #expect(total == Double(summary.recordsOut) && total! >= scraped.last!)
    }

    /// A checkpointed run (every 50 ms) is scraped while it runs until two checkpoints are complete: the
    /// checkpoint metrics are there with plausible values, and the progress callback sees the newest id.
    @Test func checkpointMetricsWhileACheckpointedRunIsInProgress() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan(
            """
            name: checkpointed
            sources:
              gen: { type: generator, count: 4000000, rate: 40000, keys: 10 }
            operators:
              counts:
                window: tumbling
                size: 1s
                key_by: key
                chain: false
                aggregates: { n: count() }
            sinks:
              out: { type: file, path: out.csv }
            edges: [gen -> counts, counts -> out]
            """, overrides: ["checkpoint.interval=50ms", "checkpoint.dir=\(runner.folder)/chk"])
        let publisher = PlanMetricsPublisher(snapshot: { plan.metricsSnapshot() })
        let server = try MetricsHTTPServer(port: 0, body: publisher.exposition)
        defer { server.stop() }
        var body = ""
        var progressIDs: [UInt64] = []
        let deadline = Deadline(seconds: 60)
        let started = Date().timeIntervalSince1970
        _ = try plan.run(progressInterval: 0.05) { p in
            if let id = p.lastCheckpointID {
                progressIDs.append(id)
                #expect(p.lastCheckpointAge != nil && p.lastCheckpointAge! >= 0 && p.lastCheckpointAge! < 60)
            }
            guard !plan.isStopRequested else { return }
            if let b = try? Self.get(server.port, "/metrics").body, (Self.sample(b, "rivulet_checkpoint_last_id") ?? 0) >= 2 {
                body = b
                plan.requestStop()
            } else if deadline.hasPassed {
                plan.requestStop()
            }
        }
        try #require(!body.isEmpty, "no scrape saw checkpoint 2 complete")
        #expect(body.contains("# TYPE rivulet_checkpoints_completed_total counter"))
        #expect((Self.sample(body, "rivulet_checkpoints_completed_total") ?? 0) >= 2)
        #expect(Self.sample(body, "rivulet_checkpoints_failed_total") == 0)
        #expect((Self.sample(body, "rivulet_checkpoint_last_size_bytes") ?? 0) > 0)
        let duration = try #require(Self.sample(body, "rivulet_checkpoint_last_duration_seconds"))
        #expect(duration >= 0 && duration < 60)
        #expect((Self.sample(body, "rivulet_checkpoint_duration_seconds_total") ?? -1) >= duration)
        let completedAt = try #require(Self.sample(body, "rivulet_checkpoint_last_completed_timestamp_seconds"))
        #expect(completedAt >= started - 1 && completedAt <= Date().timeIntervalSince1970 + 1)
        // The window's task is fed by a ring: its alignment time is exported (a single input never waits long).
        let alignment = body.split(separator: "\n").filter { $0.hasPrefix("rivulet_checkpoint_alignment_seconds_total{task=") }
        #expect(alignment.count == 1, "\(body)")
        #expect(!progressIDs.isEmpty && progressIDs == progressIDs.sorted() && progressIDs.allSatisfy { $0 >= 1 })
        // After the run (its savepoint included), the snapshot holds the same counters.
        let checkpoints = try #require(plan.metricsSnapshot().checkpoints)
        #expect(checkpoints.completed >= 3 && checkpoints.failed == 0)
        #expect(checkpoints.lastCompletedID == UInt64(checkpoints.completed))
        #expect(checkpoints.maxDurationMilliseconds >= checkpoints.lastDurationMilliseconds)
    }

    /// A run without checkpoints exports none of the checkpoint metrics.
    @Test func noCheckpointMetricsWithoutCheckpoints() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan(MetricsSnapshotTests.cardPayments(runner))
        _ = try plan.run()
        #expect(plan.metricsSnapshot().checkpoints == nil)
        let body = String(decoding: PlanMetricsPublisher(snapshot: { plan.metricsSnapshot() }).exposition(), as: UTF8.self)
        #expect(!body.contains("rivulet_checkpoint"))
    }

    /// Whether the server has closed `fd` (end of input ready to read), waiting at most `seconds`.
    static func closedByServer(_ fd: Int32, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = max(0, deadline.timeIntervalSinceNow)
            let polled = poll(&ready, 1, Int32(remaining * 1000))
            if polled < 0 && errno == EINTR { continue }
            if polled <= 0 { return false }
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { return true }
            if remaining == 0 { return false }
        }
    }

    /// Eight clients that connect and send nothing, or half a request line. Opens them on `server`.
    static func slowClients(_ server: MetricsHTTPServer) throws -> [Int32] {
        var slow: [Int32] = []
        for i in 0..<8 {
            let fd = try Self.connectClient(server.port)
            slow.append(fd)
            if i % 2 == 1 { _ = send(fd, "GET /metr", 9, 0) }  // a request that never completes
        }
        return slow
    }

    /// Eight slow clients do not delay a scrape: it is answered while all eight are still open. Their
    /// deadline (60 s) is far beyond any scrape, even on a loaded machine; a server serving one
    /// connection at a time would have waited it out.
    @Test func slowClientsDoNotDelayAScrape() throws {
        let server = try MetricsHTTPServer(port: 0, connectionTimeout: 60, body: { Array("rivulet_up 1\n".utf8) })
        defer { server.stop() }
        let slow = try Self.slowClients(server)
        defer { slow.forEach { close($0) } }
        let (status, body) = try Self.get(server.port, "/metrics")
        #expect(status == "HTTP/1.1 200 OK")
        #expect(body == "rivulet_up 1\n")
        #expect(slow.allSatisfy { !Self.closedByServer($0, within: 0) }, "answered while the slow clients were still open")
    }

    /// Each slow client is closed at its deadline (1 s here), not before, and is closed in the end.
    @Test func slowClientsAreClosedAtTheirDeadline() throws {
        let server = try MetricsHTTPServer(port: 0, connectionTimeout: 1, body: { Array("rivulet_up 1\n".utf8) })
        defer { server.stop() }
        let opened = DispatchTime.now().uptimeNanoseconds
        let slow = try Self.slowClients(server)
        defer { slow.forEach { close($0) } }
        #expect(Self.closedByServer(slow[0], within: 60))
        let firstClosed = Double(DispatchTime.now().uptimeNanoseconds - opened) / 1e9
        #expect(firstClosed >= server.connectionTimeout * 0.9, "closed after \(firstClosed) s, before its deadline")
        for fd in slow.dropFirst() {
            #expect(Self.closedByServer(fd, within: 60))
        }
    }

    /// Beyond the connection limit a client is answered 503 at once; once a slot frees, scrapes work again.
    @Test func connectionsBeyondTheLimitAreAnswered503() throws {
        let server = try MetricsHTTPServer(port: 0, maxConnections: 2, connectionTimeout: 120, body: { Array("rivulet_up 1\n".utf8) })
        defer { server.stop() }
        let first = try Self.connectClient(server.port)
        let second = try Self.connectClient(server.port)
        defer { close(second) }
        let third = try Self.connectClient(server.port)
        // Sends nothing: the answer comes without a request, within the client's 10 s read timeout (the
        // connections' deadline is 120 s).
        let (status, body) = Self.readResponse(third)
        close(third)
        #expect(status == "HTTP/1.1 503 Service Unavailable")
        #expect(body.contains("at most 2"))
        close(first)
        // The server notices the close and frees the slot: scrape until answered 200.
        var answered = ""
        #expect(
            try waitUntil(interval: 0.01) {
                answered = try Self.get(server.port, "/metrics").status
                return answered == "HTTP/1.1 200 OK"
            }, "last answer: \(answered)")
    }

    @Test func badSettingsAreClearErrors() throws {
        #expect { _ = try MetricsHTTPServer(port: 70000, body: { [] }) } throws: { "\($0)".contains("port must be 0…65535") }
        #expect { _ = try MetricsHTTPServer(port: -1, body: { [] }) } throws: { "\($0)".contains("got -1") }
        #expect { _ = try MetricsHTTPServer(port: 0, maxConnections: 0, body: { [] }) } throws: { "\($0)".contains("at least 1") }
    }

    @Test func aPortInUseIsAClearError() throws {
        let first = try MetricsHTTPServer(port: 0, body: { [] })
        defer { first.stop() }
        #expect(throws: MetricsServerError.self) { _ = try MetricsHTTPServer(port: first.port, body: { [] }) }
        do { _ = try MetricsHTTPServer(port: first.port, body: { [] }) } catch {
            #expect("\(error)".contains("cannot listen on 127.0.0.1:\(first.port)"))
        }
    }
}
