// BenchRunner: runs a planned topology while sampling its counters, and turns the samples into a BenchReport.
import Foundation
import Histogram
import RivuletCore
import RivuletRuntime

/// Runs one plan to its end, sampling every counter each `intervalSeconds`; rates are measured from the
/// first sample after `warmupSeconds` to the end, so start-up (plugin loading, JIT-like warm caches, the
/// first batches) does not count. Latency comes from the plan's `LatencyRecorder` if it has one.
public struct BenchRunner {
    public var settings: BenchReport.Settings

    public init(settings: BenchReport.Settings) {
        self.settings = settings
    }

    private struct Sample {
        let seconds: Double
        let cpu: Double
        let snapshot: MetricsSnapshot
    }

    /// Runs `plan` (which must not have run) and reports. Throws what the run throws.
    public func run(_ plan: ExecutionPlan, latency: LatencyRecorder?) throws -> BenchReport {
        let started = Clock.monotonicNanoseconds()
        let seconds = { Double(Clock.monotonicNanoseconds() - started) / 1e9 }
        var samples = [Sample(seconds: 0, cpu: Self.cpuSeconds(), snapshot: plan.metricsSnapshot())]
        let summary = try plan.run(progressInterval: settings.intervalSeconds) { _ in
            samples.append(Sample(seconds: seconds(), cpu: Self.cpuSeconds(), snapshot: plan.metricsSnapshot()))
        }
        let end = Sample(seconds: seconds(), cpu: Self.cpuSeconds(), snapshot: plan.metricsSnapshot())
        var notes: [String] = []
        var base = samples.first { $0.seconds >= settings.warmupSeconds } ?? samples[0]
        if base.seconds < settings.warmupSeconds || end.seconds - base.seconds < settings.intervalSeconds {
            if settings.warmupSeconds > 0 {
                notes.append(
                    String(
                        format: "the run (%.2f s) was not longer than the warm-up (%.2f s): measured from the start; give more --events", end.seconds,
                        settings.warmupSeconds))
            }
            base = samples[0]
        }
        let measured = max(end.seconds - base.seconds, 1e-9)
        if measured < 1 {
            notes.append(
                String(format: "only %.2f s were measured after the warm-up: give more --events (or a lower --warmup) for steadier figures", measured)
            )
        }
        let inRecords = end.snapshot.sourceRecords - base.snapshot.sourceRecords
        let outRecords = end.snapshot.sinkRecords - base.snapshot.sinkRecords

        let operators = end.snapshot.instances.enumerated().map { i, e in
            let b = base.snapshot.instances[i]
            return BenchReport.Operator(
                node: e.node, instance: e.index, role: e.role.rawValue,
                recordsInPerSecond: Double(e.recordsIn - b.recordsIn) / measured,
                recordsOutPerSecond: Double(e.recordsOut - b.recordsOut) / measured,
                recordsIn: e.recordsIn, recordsOut: e.recordsOut, errors: e.errors)
        }
        let window = samples.filter { $0.seconds >= base.seconds } + [end]
        let rings = end.snapshot.rings.enumerated().map { i, e in
            let b = base.snapshot.rings[i]
            let occupancies = window.map { Double($0.snapshot.rings[i].occupancy) / Double(max(1, e.capacity)) }
            return BenchReport.Ring(
                label: e.label, capacity: e.capacity, recordsPerSecond: Double(e.records - b.records) / measured,
                meanOccupancy: occupancies.reduce(0, +) / Double(max(1, occupancies.count)), maxOccupancy: occupancies.max() ?? 0,
                blockedFraction: min(1, Double(e.blockedNanoseconds - b.blockedNanoseconds) / 1e9 / measured))
        }
        let stores = end.snapshot.stores.map { s in
            BenchReport.Store(
                name: s.name, owner: s.owner, keys: s.keys, bytes: s.bytes, commits: s.commits,
                meanCommitMicroseconds: s.commits == 0 ? 0 : Double(s.commitNanoseconds) / Double(s.commits) / 1000)
        }
        var timeline: [BenchReport.Point] = []
        let all = samples + [end]
        for k in 1..<all.count where all[k].seconds > all[k - 1].seconds {
            let dt = all[k].seconds - all[k - 1].seconds
            timeline.append(
                .init(
                    seconds: all[k].seconds,
                    recordsInPerSecond: Double(all[k].snapshot.sourceRecords - all[k - 1].snapshot.sourceRecords) / dt,
                    recordsOutPerSecond: Double(all[k].snapshot.sinkRecords - all[k - 1].snapshot.sinkRecords) / dt))
        }
        var latencyReport: BenchReport.Latency?
        if let latency {
            let h = latency.merged()
            if h.totalCount > 0 {
                latencyReport = Self.latency(h, unstamped: latency.unstamped)
            } else {
                notes.append(
                    "no latency: no generated record reached a sink after the warm-up (\(latency.unstamped) records carried no generator stamp)")
            }
        } else {
            notes.append("no latency: it is measured for paced generated records only (give --events and --rate)")
        }
        let checkpoints = end.snapshot.checkpoints.map { c in
            BenchReport.Checkpoints(
                completed: c.completed, failed: c.failed, lastID: c.lastCompletedID, lastDurationMilliseconds: c.lastDurationMilliseconds,
                lastSizeBytes: c.lastSizeBytes, meanDurationMilliseconds: c.completed == 0 ? 0 : c.totalDurationMilliseconds / Double(c.completed),
                maxDurationMilliseconds: c.maxDurationMilliseconds, alignmentMilliseconds: Double(c.alignmentNanoseconds) / 1e6,
                taken: plan.completedCheckpoints.map {
                    .init(
                        id: $0.id, durationMilliseconds: $0.durationMilliseconds, sizeBytes: $0.sizeBytes, files: $0.files,
                        final: $0.final || $0.savepoint)
                })
        }
        return BenchReport(
            settings: settings, machine: Self.machine(), totalSeconds: end.seconds, measuredSeconds: measured,
            recordsIn: inRecords, recordsInPerSecond: Double(inRecords) / measured, recordsOutPerSecond: Double(outRecords) / measured,
            cpuSeconds: end.cpu - base.cpu, peakMemoryBytes: summary.peakMemoryBytes, deadLetters: summary.deadLetters,
            operators: operators, rings: rings, stores: stores, latency: latencyReport, checkpoints: checkpoints, timeline: timeline,
            runs: [Double(inRecords) / measured], notes: notes)
    }

    static func latency(_ h: Histogram<UInt64>, unstamped: Int64) -> BenchReport.Latency {
        var buckets: [BenchReport.Latency.Bucket] = []
        var from: UInt64 = 0
        var to: UInt64 = 1
        let top = h.max
        while from <= top {
            let count = h.count(within: from...(to - 1))
            buckets.append(.init(from: from, to: to, count: count))
            from = to
            to *= 2
        }
        return BenchReport.Latency(
            count: h.totalCount, unstamped: unstamped, mean: h.mean, p50: h.valueAtPercentile(50), p90: h.valueAtPercentile(90),
            p99: h.valueAtPercentile(99), p999: h.valueAtPercentile(99.9), max: h.max, buckets: buckets)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func machine() -> BenchReport.Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var name = utsname()
        uname(&name)
        func field<T>(_ t: T) -> String {
            withUnsafeBytes(of: t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return .init(
            cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
            system: "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))")
    }
}
