// BenchReport+Text: the report as a table for the terminal.
import Foundation

extension BenchReport {
    /// A rate as `12.3 M/s`, `456.7 k/s` or `89/s`.
    public static func rate(_ r: Double) -> String {
        r >= 1e6 ? String(format: "%.2f M/s", r / 1e6) : r >= 1e3 ? String(format: "%.1f k/s", r / 1e3) : String(format: "%.0f/s", r)
    }

    /// A latency in µs as `850 µs` or `2.31 ms`.
    static func micros(_ v: UInt64) -> String {
        v >= 1000 ? String(format: "%.2f ms", Double(v) / 1000) : "\(v) µs"
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let n = s.count
        guard n < width else { return s }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + s : s + fill
    }

    /// What was run, in one line.
    var headline: String {
        var what = settings.manifest
        if let events = settings.events {
            what += ": \(events) generated records per source, \(settings.keys ?? 0) keys"
            what += settings.rate.map { String(format: ", paced at %.0f records/s", $0) } ?? ", flat out"
        } else {
            what += ": its own sources"
        }
        return what
    }

    /// A size in bytes as `512 B`, `12.3 KB`, `4.5 MB` or `1.20 GB` (powers of 1024).
    static func bytes(_ n: Int64) -> String {
        let v = Double(n)
        return v >= 1_073_741_824
            ? String(format: "%.2f GB", v / 1_073_741_824)
            : v >= 1_048_576 ? String(format: "%.1f MB", v / 1_048_576) : v >= 1024 ? String(format: "%.1f KB", v / 1024) : "\(n) B"
    }

    /// The checkpoints line of the terminal table (nil when the run took none).
    var checkpointLine: String? {
        guard let c = checkpoints, c.completed + c.failed > 0 else { return nil }
        var line = "checkpoints \(c.completed) completed, \(c.failed) failed"
        if let id = c.lastID {
            line += String(
                format: "; last #%llu: %.1f ms, %@; mean %.1f ms, max %.1f ms; alignment %.1f ms in all", id, c.lastDurationMilliseconds,
                Self.bytes(c.lastSizeBytes), c.meanDurationMilliseconds, c.maxDurationMilliseconds, c.alignmentMilliseconds)
        }
        return line
    }

    /// The terminal table.
    public var text: String {
        var lines: [String] = []
        lines.append("rivulet bench \(headline)")
        lines.append(
            String(
                format: "warm-up %.1f s, measured %.2f s of %.2f s; batches of %d, rings of %d%@", settings.warmupSeconds,
                measuredSeconds, totalSeconds, settings.batchSize, settings.ringCapacity, settings.nullSinks ? ", sinks discarded" : ""))
        if runs.count > 1 {
            lines.append("runs: " + runs.map { Self.rate($0) }.joined(separator: ", ") + " (the median run is reported)")
        }
        lines.append("")
        lines.append("throughput  \(Self.rate(recordsInPerSecond)) in (sources), \(Self.rate(recordsOutPerSecond)) out (sinks)")
        lines.append(String(format: "cpu         %.2f s (%.2f of %d cores busy)", cpuSeconds, coresBusy, machine.cores))
        lines.append(String(format: "memory      %.1f MB peak resident", Double(peakMemoryBytes) / 1_048_576))
        if deadLetters > 0 { lines.append("dead letters \(deadLetters)") }
        if let l = latency {
            lines.append(
                "latency     p50 \(Self.micros(l.p50))  p90 \(Self.micros(l.p90))  p99 \(Self.micros(l.p99))  p99.9 \(Self.micros(l.p999))  max \(Self.micros(l.max))  (\(l.count) records)"
            )
        }
        if let c = checkpointLine { lines.append(c) }
        lines.append("")
        let width = max(20, operators.map { $0.node.count + 4 }.max() ?? 0)
        lines.append(
            Self.pad("node", width) + Self.pad("role", 10) + Self.pad("in", 14, right: true) + Self.pad("out", 14, right: true)
                + Self.pad("errors", 10, right: true))
        for o in operators {
            let name = operators.filter { $0.node == o.node }.count > 1 ? "\(o.node)#\(o.instance)" : o.node
            lines.append(
                Self.pad(name, width) + Self.pad(o.role, 10) + Self.pad(o.role == "source" ? "" : Self.rate(o.recordsInPerSecond), 14, right: true)
                    + Self.pad(o.role == "sink" && o.recordsOut == 0 ? "" : Self.rate(o.recordsOutPerSecond), 14, right: true)
                    + Self.pad("\(o.errors)", 10, right: true))
        }
        if !rings.isEmpty {
            lines.append("")
            let w = max(24, rings.map { $0.label.count + 2 }.max() ?? 0)
            lines.append(
                Self.pad("ring", w) + Self.pad("records", 14, right: true) + Self.pad("occupancy mean/max", 22, right: true)
                    + Self.pad("producer blocked", 18, right: true))
            for r in rings {
                lines.append(
                    Self.pad(r.label, w) + Self.pad(Self.rate(r.recordsPerSecond), 14, right: true)
                        + Self.pad(String(format: "%.0f%% / %.0f%%", r.meanOccupancy * 100, r.maxOccupancy * 100), 22, right: true)
                        + Self.pad(String(format: "%.1f%%", r.blockedFraction * 100), 18, right: true))
            }
        }
        if !stores.isEmpty {
            lines.append("")
            for s in stores {
                lines.append(
                    String(
                        format: "store %@ (%@): %lld keys, %.1f MB, %lld commits, mean %.1f µs", s.name, s.owner, s.keys,
                        Double(s.bytes) / 1_048_576, s.commits, s.meanCommitMicroseconds))
            }
        }
        for n in notes { lines.append("note: \(n)") }
        return lines.joined(separator: "\n")
    }
}
