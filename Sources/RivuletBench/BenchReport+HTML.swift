// BenchReport+HTML: the report as one self-contained page: tables, and inline SVG charts (no network).
import Foundation

extension BenchReport {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The page `--report` writes.
    public var html: String {
        var rows = ""
        for o in operators {
            rows +=
                "<tr><td>\(Self.escape(o.node))\(operators.filter { $0.node == o.node }.count > 1 ? "#\(o.instance)" : "")</td><td>\(o.role)</td>"
                + "<td class=n>\(o.role == "source" ? "" : Self.rate(o.recordsInPerSecond))</td><td class=n>\(Self.rate(o.recordsOutPerSecond))</td><td class=n>\(o.errors)</td></tr>\n"
        }
        var ringRows = ""
        for r in rings {
            ringRows +=
                "<tr><td>\(Self.escape(r.label))</td><td class=n>\(Self.rate(r.recordsPerSecond))</td>"
                + String(
                    format: "<td class=n>%.0f%% / %.0f%%</td><td class=n>%.1f%%</td></tr>\n", r.meanOccupancy * 100, r.maxOccupancy * 100,
                    r.blockedFraction * 100)
        }
        let latencyBlock: String
        if let l = latency {
            latencyBlock = """
                <h2>End-to-end latency</h2>
                <p>\(l.count) records, from each record's due time at its generator to its sink (paced: no coordinated omission).</p>
                <table><tr><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>
                <tr><td class=n>\(Self.micros(l.p50))</td><td class=n>\(Self.micros(l.p90))</td><td class=n>\(Self.micros(l.p99))</td><td class=n>\(Self.micros(l.p999))</td><td class=n>\(Self.micros(l.max))</td><td class=n>\(String(format: "%.0f µs", l.mean))</td></tr></table>
                \(latencyChart(l))
                """
        } else {
            latencyBlock = "<h2>End-to-end latency</h2><p>Not measured in this run.</p>"
        }
        var checkpointBlock = ""
        if let c = checkpoints, c.completed + c.failed > 0 {
            checkpointBlock = """
                <h2>Checkpoints</h2>
                <table><tr><th>completed</th><th>failed</th><th>last id</th><th>last duration</th><th>last size</th><th>mean duration</th><th>max duration</th><th>alignment (all tasks)</th></tr>
                <tr><td class=n>\(c.completed)</td><td class=n>\(c.failed)</td><td class=n>\(c.lastID.map { "\($0)" } ?? "")</td>\
                <td class=n>\(String(format: "%.1f ms", c.lastDurationMilliseconds))</td><td class=n>\(Self.bytes(c.lastSizeBytes))</td>\
                <td class=n>\(String(format: "%.1f ms", c.meanDurationMilliseconds))</td><td class=n>\(String(format: "%.1f ms", c.maxDurationMilliseconds))</td>\
                <td class=n>\(String(format: "%.1f ms", c.alignmentMilliseconds))</td></tr></table>
                <table><tr><th>checkpoint</th><th>duration</th><th>size</th><th>files</th></tr>
                \(c.taken.suffix(50).map { t in
                    "<tr><td>\(t.id)\(t.final ? " (final)" : "")</td><td class=n>\(String(format: "%.1f ms", t.durationMilliseconds))</td><td class=n>\(Self.bytes(t.sizeBytes))</td><td class=n>\(t.files)</td></tr>"
                }.joined(separator: "\n"))</table>
                """
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>rivulet bench: \(Self.escape(settings.manifest))</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
            table { border-collapse: collapse; margin: .5em 0 1.5em; }
            th, td { padding: .25em .8em; border-bottom: 1px solid #ddd; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .big { font-size: 1.6em; font-weight: 600; }
            svg text { font: 11px system-ui, sans-serif; fill: #444; }
            </style></head><body>
            <h1>rivulet bench</h1>
            <p>\(Self.escape(headline))<br>
            \(String(format: "Warm-up %.1f s, measured %.2f s of %.2f s; batches of %d, rings of %d.", settings.warmupSeconds, measuredSeconds, totalSeconds, settings.batchSize, settings.ringCapacity))<br>
            \(Self.escape(machine.cpu)), \(machine.cores) cores, \(String(format: "%.1f GiB", Double(machine.memoryBytes) / 1_073_741_824)), \(Self.escape(machine.system)).</p>
            <p><span class=big>\(Self.rate(recordsInPerSecond))</span> records in, \(Self.rate(recordsOutPerSecond)) out;
            \(String(format: "%.2f of %d cores busy; %.1f MB peak resident memory.", coresBusy, machine.cores, Double(peakMemoryBytes) / 1_048_576))</p>
            \(runs.count > 1 ? "<p>Runs: \(runs.map { Self.rate($0) }.joined(separator: ", ")) (the median run is shown).</p>" : "")
            <h2>Throughput over time</h2>
            \(throughputChart())
            \(latencyBlock)
            \(checkpointBlock)
            <h2>Operators</h2>
            <table><tr><th>node</th><th>role</th><th>in</th><th>out</th><th>errors</th></tr>
            \(rows)</table>
            \(rings.isEmpty ? "" : "<h2>Rings</h2><table><tr><th>ring</th><th>records</th><th>occupancy mean / max</th><th>producer blocked</th></tr>\n\(ringRows)</table>")
            \(notes.map { "<p><em>Note: \(Self.escape($0))</em></p>" }.joined(separator: "\n"))
            </body></html>

            """
    }

    /// A round step (1, 2 or 5 × 10^k) giving about `count` ticks up to `maximum`.
    static func niceStep(_ maximum: Double, count: Int) -> Double {
        let raw = max(maximum, 1e-9) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let r = raw / magnitude
        return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude
    }

    static func svgOpen(_ w: Double, _ h: Double, _ label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" style=\"max-width:100%;height:auto\" role=\"img\" aria-label=\"\(label)\">\n"
    }

    /// Records/s in (sources) and out (sinks) per sample, the warm-up shaded; round ticks on both axes.
    func throughputChart() -> String {
        let w = 900.0, h = 260.0, left = 70.0, right = 20.0, bottom = 30.0, top = 10.0
        let tMax = max(timeline.last?.seconds ?? 1, 1e-3)
        let peak = max(timeline.map { max($0.recordsInPerSecond, $0.recordsOutPerSecond) }.max() ?? 1, 1)
        let yStep = Self.niceStep(peak, count: 4)
        let yMax = (peak / yStep).rounded(.up) * yStep
        let x = { (t: Double) in left + (w - left - right) * t / tMax }
        let y = { (v: Double) in top + (h - top - bottom) * (1 - v / yMax) }
        func line(_ values: [(Double, Double)], _ color: String) -> String {
            let points = values.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"\(points)\"/>"
        }
        var svg = Self.svgOpen(w, h, "throughput over time")
        svg += String(
            format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f1f1f1\"/>", left, top,
            max(0, x(min(settings.warmupSeconds, tMax)) - left), h - top - bottom)
        var v = 0.0
        while v <= yMax + yStep / 2 {
            svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, w - right, y(v), y(v))
            svg += "<text x=\"\(Int(left - 6))\" y=\"\(Int(y(v)) + 4)\" text-anchor=\"end\">\(Self.rate(v))</text>"
            v += yStep
        }
        let tStep = Self.niceStep(tMax, count: 6)
        var t = 0.0
        while t <= tMax + 1e-9 {
            let anchor = x(t) > w - right - 20 ? "end" : "middle"
            svg +=
                "<text x=\"\(Int(x(t)))\" y=\"\(Int(h - 10))\" text-anchor=\"\(anchor)\">\(String(format: tStep < 1 ? "%.1f s" : "%.0f s", t))</text>"
            t += tStep
        }
        svg += line(timeline.map { ($0.seconds, $0.recordsInPerSecond) }, "#1f77b4")
        svg += line(timeline.map { ($0.seconds, $0.recordsOutPerSecond) }, "#ff7f0e")
        svg +=
            "<text x=\"\(Int(left + 8))\" y=\"\(Int(top + 14))\">warm-up shaded · <tspan fill=\"#1f77b4\">in (sources)</tspan> · <tspan fill=\"#ff7f0e\">out (sinks)</tspan> · one point per sample</text>"
        return svg + "</svg>"
    }

    /// Records per latency bucket (powers of two in µs, from the first non-empty one), on a logarithmic
    /// count axis so that the tail (p99.9, max) stays visible.
    func latencyChart(_ l: Latency) -> String {
        guard let first = l.buckets.firstIndex(where: { $0.count > 0 }) else { return "" }
        let buckets = Array(l.buckets[first...])
        let w = 900.0, h = 240.0, left = 70.0, right = 20.0, bottom = 40.0, top = 10.0
        let maxCount = Double(max(buckets.map(\.count).max() ?? 1, 1))
        let decades = max(1, log10(maxCount).rounded(.up))
        let y = { (c: Double) in h - bottom - (h - top - bottom) * (c <= 0 ? 0 : log10(c + 1) / (decades + 0.0001)) }
        let barWidth = (w - left - right) / Double(buckets.count)
        var svg = Self.svgOpen(w, h, "latency histogram")
        for d in 0...Int(decades) {
            let c = pow(10, Double(d))
            svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, w - right, y(c), y(c))
            svg +=
                "<text x=\"\(Int(left - 6))\" y=\"\(Int(y(c)) + 4)\" text-anchor=\"end\">\(["1", "10", "100", "1k", "10k", "100k", "1M", "10M", "100M", "1G"][min(d, 9)])</text>"
        }
        svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>", left, w - right, h - bottom, h - bottom)
        for (i, b) in buckets.enumerated() {
            let x0 = left + Double(i) * barWidth
            if b.count > 0 {
                let top = min(y(Double(b.count)), h - bottom - 2)
                svg += String(
                    format:
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2ca02c\"><title>%@ to %@: %llu records</title></rect>",
                    x0 + 1, top, max(1, barWidth - 2), h - bottom - top, Self.micros(b.from), Self.micros(b.to), b.count)
            }
            if i % max(1, (buckets.count + 9) / 10) == 0 {
                svg += "<text x=\"\(Int(x0))\" y=\"\(Int(h - bottom + 14))\" text-anchor=\"start\">\(Self.micros(b.from))</text>"
            }
        }
        svg +=
            "<text x=\"\(Int(left))\" y=\"\(Int(h - 6))\">latency: each bar counts records from the time under its left edge up to twice that (log scale of records)</text>"
        return svg + "</svg>"
    }
}
