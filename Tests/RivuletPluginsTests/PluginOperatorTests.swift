// PluginOperatorTests: what the host does with each status on_timer, on_watermark and flush return.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct PluginOperatorTests {
    static func folder() throws -> String { (try Fixtures.plugin("callback_status") as NSString).deletingLastPathComponent }

    /// Event times 10 and 20 in one batch: timers at 10 and 20 fire on the watermark 20, then
    /// on_watermark(20), then flush at the end. `config` makes one callback fail (see callback_status.c).
    static func run(_ config: String) throws -> String {
        let t = TopologyRunner()
        t.write("in.csv", "ts\n10\n20\n")
        _ = try t.run(
            """
            plugins: { cs: { library: callback_status } }
            sources:
              s: { type: file, path: in.csv, schema: { ts: i64 }, time: { type: event, field: ts } }
            operators:
              t: { plugin: cs, operator: ticker, config: { \(config) } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [s -> t, t -> out]
            """, extraPluginPaths: [try folder()])
        return t.read("out.csv")
    }

    static func output(failedAttempts: Int) -> String {
        "what\non_timer 10\non_timer 20\non_watermark 20\nflush (\(failedAttempts) failed attempts)\n"
    }

    @Test func withoutFailuresEveryCallbackRunsOnce() throws {
        #expect(try Self.run("in: none") == Self.output(failedAttempts: 0))
    }

    /// RV_RETRY calls the same callback again with the same arguments: nothing is lost or repeated, up to
    /// 5 retries in a row.
    @Test(arguments: [("on_timer", 2), ("on_watermark", 5), ("flush", 1)])
    func retryCallsTheCallbackAgain(callback: String, times: Int) throws {
        #expect(try Self.run("in: \(callback), status: retry, times: \(times)") == Self.output(failedAttempts: times))
    }

    /// Every other status stops the run, naming the callback and the status, with the plugin's report or,
    /// without one, the host's last_error.
    @Test(arguments: [
        ("in: on_timer, status: retry", "t: on_timer still returned RV_RETRY after 5 retries: ticker: on_timer failed (attempt 6)"),
        (
            "in: on_timer, status: error",
            "t: on_timer returned RV_ERROR: ticker: on_timer failed (attempt 1) (no record to dead-letter outside process)"
        ),
        ("in: flush, status: silent", "t: flush returned RV_ERROR without a message (no record to dead-letter outside process)"),
        ("in: on_watermark, status: fatal", "t: on_watermark returned RV_FATAL: ticker: on_watermark failed (attempt 1)"),
        ("in: flush, status: unsupported", "t: flush returned RV_UNSUPPORTED: ticker: flush failed (attempt 1)"),
        ("in: on_watermark, status: host", "t: on_watermark returned RV_INVALID: timer_register: key is NULL with length 3"),
        ("in: flush, status: weird", "t: flush returned status 42 (not an rv_status) without a message"),
    ])
    func otherStatusesStopTheRun(config: String, message: String) throws {
        #expect {
            try Self.run(config)
        } throws: { error in
            "\(error)" == message
        }
    }
}
