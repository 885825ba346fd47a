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
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0, "connect to \(port)")
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
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
        #expect(Self.sample(body, #"rivulet_records_in_total{operator="payments",instance="0"}"#) == 8)
        #expect(Self.sample(body, #"rivulet_records_out_total{operator="mask",instance="0"}"#) == 6)
        #expect(Self.sample(body, #"rivulet_errors_total{operator="mask",instance="0"}"#) == 1)
        let converted = (Self.sample(body, #"rivulet_plugin_counter_total{operator="to_eur",instance="0",counter="converted"}"#) ?? 0)
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

    @Test func countersMoveWhileARunIsInProgress() throws {
        let runner = TopologyRunner()
        let plan = try runner.plan("""
        name: live
        sources:
          gen: { type: generator, count: 40000, rate: 40000, keys: 10 }
        sinks:
          out: { type: "null" }
        edges: [gen -> out]
        """)
        let publisher = PlanMetricsPublisher(snapshot: { plan.metricsSnapshot() })
        let server = try MetricsHTTPServer(port: 0, body: publisher.exposition)
        defer { server.stop() }
        var scraped: [Double] = []
        _ = try plan.run(progressInterval: 0.25) { _ in
            if let body = try? Self.get(server.port, "/metrics").body,
               let v = Self.sample(body, #"rivulet_records_in_total{operator="out",instance="0"}"#) { scraped.append(v) }
        }
        // A one-second paced run scraped about four times: rising values, all below the total.
        #expect(scraped.count >= 2)
        #expect(scraped == scraped.sorted())
        #expect(scraped.contains { $0 > 0 && $0 < 40_000 })
        #expect(Self.sample(try Self.get(server.port, "/metrics").body, #"rivulet_records_in_total{operator="out",instance="0"}"#) == 40_000)
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
