// PlanMetricsPublisher: a running plan's counters as Prometheus metrics, with help text, in Prometheus text format.
import Foundation
import Prometheus
import RivuletCore
import RivuletRuntime

/// Mirrors a plan's `MetricsSnapshot` into swift-prometheus counters and gauges, each with its `# HELP`
/// line (`help`), each time it is asked for the exposition (a scrape): the runtime's hot path only bumps
/// its own atomic counters once per batch; the text format is the library's. Metrics (labels in braces):
/// - `rivulet_records_in_total`, `rivulet_records_out_total`, `rivulet_errors_total` {operator, instance}
///   (errors: records dead-lettered or sent to an `errors` port; sources count what they read as in)
/// - `rivulet_watermark_milliseconds`, `rivulet_watermark_lag_seconds` {operator, instance}: event time
///   reached, and how far it is behind the wall clock
/// - `rivulet_ring_occupancy`, `rivulet_ring_capacity`, `rivulet_ring_records_total`,
///   `rivulet_ring_blocked_seconds_total` {ring}: backpressure
/// - `rivulet_store_keys`, `rivulet_store_bytes`, `rivulet_store_commits_total`,
///   `rivulet_store_commit_seconds_total` {store, operator}: state (a commit per record batch; with
///   checkpoints, every checkpoint commits too)
/// - `rivulet_plugin_counter_total` {operator, instance, counter}: what plugins count through the host API
/// - with checkpoints on: `rivulet_checkpoints_completed_total`, `rivulet_checkpoints_failed_total`,
///   `rivulet_checkpoint_last_id`, `rivulet_checkpoint_last_duration_seconds`,
///   `rivulet_checkpoint_last_size_bytes`, `rivulet_checkpoint_last_completed_timestamp_seconds`,
///   `rivulet_checkpoint_duration_seconds_total`, and `rivulet_checkpoint_alignment_seconds_total` {task}
/// - `rivulet_process_cpu_seconds_total`, `rivulet_process_resident_memory_bytes`
/// Thread-safe: scrapes are serialized by a lock.
public final class PlanMetricsPublisher: @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let snapshot: () -> MetricsSnapshot
    private let lock = NSLock()
    private var counters: [String: (counter: Prometheus.Counter, last: Double)] = [:]
    private var gauges: [String: Prometheus.Gauge] = [:]

    /// Each metric's `# HELP` line.
    static let help: [String: String] = [
        "rivulet_records_in_total": "Records an operator instance took in (a source: records it read).",
        "rivulet_records_out_total": "Records an operator instance sent on.",
        "rivulet_errors_total": "Records an operator instance dead-lettered or sent to its errors port.",
        "rivulet_watermark_milliseconds": "The event time an operator instance has reached (epoch milliseconds).",
        "rivulet_watermark_lag_seconds": "How far an operator instance's watermark is behind the wall clock.",
        "rivulet_plugin_counter_total": "A counter a plugin keeps through the host API.",
        "rivulet_ring_occupancy": "Batches waiting in a ring between two tasks.",
        "rivulet_ring_capacity": "How many batches a ring holds.",
        "rivulet_ring_records_total": "Records that went through a ring.",
        "rivulet_ring_blocked_seconds_total": "Time a ring's writer waited for room (backpressure).",
        "rivulet_store_keys": "Keys in a state store.",
        "rivulet_store_bytes": "Bytes of keys and values in a state store.",
        "rivulet_store_commits_total": "Commits of a state store (one per record batch, and per checkpoint).",
        "rivulet_store_commit_seconds_total": "Time spent committing a state store.",
        "rivulet_checkpoints_completed_total": "Checkpoints completed.",
        "rivulet_checkpoints_failed_total": "Checkpoints that failed.",
        "rivulet_checkpoint_duration_seconds_total": "Time from each checkpoint's start to its completion, summed.",
        "rivulet_checkpoint_last_id": "The id of the last completed checkpoint.",
        "rivulet_checkpoint_last_duration_seconds": "How long the last completed checkpoint took.",
        "rivulet_checkpoint_last_size_bytes": "The size of the last completed checkpoint.",
        "rivulet_checkpoint_last_completed_timestamp_seconds": "When the last checkpoint completed (epoch seconds).",
        "rivulet_checkpoint_alignment_seconds_total": "Time a task held inputs back while aligning checkpoint barriers.",
        "rivulet_process_cpu_seconds_total": "CPU time of the rivulet process (user and system).",
        "rivulet_process_resident_memory_bytes": "Resident memory of the rivulet process.",
    ]

    /// `snapshot` reads the plan's counters (`plan.metricsSnapshot`).
    public init(snapshot: @escaping () -> MetricsSnapshot) {
        self.snapshot = snapshot
    }

    /// Updates every metric from a fresh snapshot and returns the Prometheus text exposition.
    public func exposition() -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        publish(snapshot())
        return registry.emitToBuffer()
    }

    /// Metric `label` with its help text (the whole name is `label`: no namespace or unit parts added).
    static func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "")
    }

    private func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    private func count(_ label: String, _ dimensions: [(String, String)], _ total: Int64) {
        count(label, dimensions, seconds: Double(total))
    }

    /// Raises counter `label` to `total` (counters only go up: a smaller total is ignored).
    private func count(_ label: String, _ dimensions: [(String, String)], seconds total: Double) {
        let k = key(label, dimensions)
        let entry = counters[k] ?? (registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions), 0)
        if total > entry.last { entry.counter.increment(by: total - entry.last) }
        counters[k] = (entry.counter, max(total, entry.last))
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)], _ value: Double) {
        let k = key(label, dimensions)
        let g = gauges[k] ?? registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions)
        gauges[k] = g
        g.set(to: value)
    }

    private func publish(_ s: MetricsSnapshot) {
        let now = Clock.nowMilliseconds()
        for i in s.instances {
            let d = [("operator", i.node), ("instance", String(i.index))]
            count("rivulet_records_in_total", d, i.recordsIn)
            count("rivulet_records_out_total", d, i.recordsOut)
            count("rivulet_errors_total", d, i.errors)
            if i.watermark != .min {
                gauge("rivulet_watermark_milliseconds", d, Double(i.watermark))
                gauge("rivulet_watermark_lag_seconds", d, Double(now - i.watermark) / 1000)
            }
            for c in i.pluginCounters {
                count("rivulet_plugin_counter_total", d + [("counter", c.name)], c.value)
            }
        }
        for r in s.rings {
            let d = [("ring", r.label)]
            gauge("rivulet_ring_occupancy", d, Double(r.occupancy))
            gauge("rivulet_ring_capacity", d, Double(r.capacity))
            count("rivulet_ring_records_total", d, r.records)
            count("rivulet_ring_blocked_seconds_total", d, seconds: Double(r.blockedNanoseconds) / 1e9)
        }
        for st in s.stores {
            let d = [("store", st.name), ("operator", st.owner)]
            gauge("rivulet_store_keys", d, Double(st.keys))
            gauge("rivulet_store_bytes", d, Double(st.bytes))
            count("rivulet_store_commits_total", d, st.commits)
            count("rivulet_store_commit_seconds_total", d, seconds: Double(st.commitNanoseconds) / 1e9)
        }
        if let c = s.checkpoints {
            count("rivulet_checkpoints_completed_total", [], c.completed)
            count("rivulet_checkpoints_failed_total", [], c.failed)
            count("rivulet_checkpoint_duration_seconds_total", [], seconds: c.totalDurationMilliseconds / 1000)
            if let id = c.lastCompletedID {
                gauge("rivulet_checkpoint_last_id", [], Double(id))
                gauge("rivulet_checkpoint_last_duration_seconds", [], c.lastDurationMilliseconds / 1000)
                gauge("rivulet_checkpoint_last_size_bytes", [], Double(c.lastSizeBytes))
                gauge("rivulet_checkpoint_last_completed_timestamp_seconds", [], Double(c.lastCompletedAtEpochMilliseconds ?? 0) / 1000)
            }
            for a in c.alignment {
                count("rivulet_checkpoint_alignment_seconds_total", [("task", a.task)], seconds: Double(a.nanoseconds) / 1e9)
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec)
            / 1e6
        count("rivulet_process_cpu_seconds_total", [], seconds: cpu)
        gauge("rivulet_process_resident_memory_bytes", [], Double(Self.residentBytes()))
    }

    /// Current resident set size (from /proc/self/statm), 0 when unknown.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
