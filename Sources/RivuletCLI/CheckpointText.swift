// CheckpointText: how `rivulet checkpoints list` and `inspect` print: aligned text for people, or JSON.
import Foundation
import RivuletRuntime

enum CheckpointText {
    /// One line per checkpoint: `chk-7  2025-06-01T10:00:00Z  48213 bytes  7 files  final`, columns aligned.
    static func list(_ summaries: [CheckpointSummary]) -> String {
        let names = summaries.map { ($0.path as NSString).lastPathComponent }
        let times = summaries.map { $0.time ?? "-" }
        let sizes = summaries.map { "\($0.bytes)" }
        let files = summaries.map { count($0.files, "file") }
        let widths = [names, times, sizes, files].map { column in column.map(\.count).max() ?? 0 }
        var out = ""
        for (i, summary) in summaries.enumerated() {
            out += pad(names[i], widths[0]) + "  " + pad(times[i], widths[1]) + "  " + pad(sizes[i], widths[2], left: true) + " bytes  "
            out += pad(files[i], widths[3]) + "  " + summary.state.label + "\n"
        }
        return out
    }

    /// The checkpoint's metadata, sizes and verification, one fact a line.
    static func inspect(_ c: CheckpointInspection) -> String {
        var out = "checkpoint \(c.id.map(String.init) ?? "?")\(c.inProgress ? " (in progress)" : ""): \(c.path)\n"
        guard let m = c.metadata else {
            if c.inProgress {
                out +=
                    "state:            in progress: no _metadata yet; being written, or left by a crash or a failed checkpoint (a run never restores it)\n"
            }
            out += "on disk:          \(c.bytesOnDisk) bytes in \(count(c.filesOnDisk, "file"))\n"
            return out + verification(c)
        }
        let kind = m.savepoint ? "savepoint" : m.final ? "final" : "complete"
        var state = m.savepoint ? "savepoint (taken at a stop request)" : m.final ? "final (the run's last: its input was all processed)" : kind
        if c.inProgress {
            state = "in progress (its _metadata is written; not yet renamed to chk-\(m.id))"
        } else if !c.verification.ok {
            state = "damaged: \(count(c.verification.problems.count, "failed check")), see below (its metadata says \(kind))"
        }
        out += "state:            \(state)\n"
        out += "time:             \(m.time) (\(m.timeMilliseconds) ms since the epoch)\n"
        let manifest = URL(fileURLWithPath: m.manifest).standardizedFileURL.path
        switch c.manifestState {
        case .unchanged?: out += "manifest:         \(manifest) (unchanged since: hash \(m.manifestHash) matches)\n"
        case .changed?: out += "manifest:         \(manifest) (changed since: its hash is no longer \(m.manifestHash))\n"
        case .missing?, nil: out += "manifest:         \(manifest) (no longer exists; hash was \(m.manifestHash))\n"
        }
        out += "max_parallelism:  \(m.maxParallelism)\n"
        out += "plugins:          \(m.plugins.isEmpty ? "none" : m.plugins.map { "\($0.name) \($0.version)" }.joined(separator: ", "))\n"
        out += "size:             \(c.totalBytes) bytes in \(count(m.files.count, "file"))\n"
        if c.bytesOnDisk != c.totalBytes || c.filesOnDisk != m.files.count {
            out += "on disk:          \(c.bytesOnDisk) bytes in \(count(c.filesOnDisk, "file")) (_metadata not counted)\n"
        }
        out += "nodes:\n"
        let sizes = Dictionary(c.nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        out += table(
            m.nodes.map { node in
                let part = sizes[node.name]
                return [
                    node.name, node.role, "parallelism \(node.parallelism)", node.finished ? "finished" : "running",
                    "\(part?.bytes ?? 0) bytes", count(part?.files ?? 0, "file"),
                ]
            }, rightAligned: [4])
        if !c.stores.isEmpty {
            out += "stores:\n"
            out += table(c.stores.map { [$0.name, "\($0.bytes) bytes", count($0.files, "file")] }, rightAligned: [1])
        }
        if !c.others.isEmpty {
            out += "other files:\n"
            out += table(c.others.map { [$0.name, "\($0.bytes) bytes", count($0.files, "file")] }, rightAligned: [1])
        }
        return out + verification(c)
    }

    private static func verification(_ c: CheckpointInspection) -> String {
        let v = c.verification
        guard let m = v.metadata else {
            if c.inProgress { return "verification:     none (no _metadata to verify against)\n" }
            return "verification:     FAILED: \(v.problems.map(\.description).joined(separator: "; "))\n"
        }
        if v.ok {
            let sizeOnly = v.filesVerifiedBySizeOnly > 0 ? "; \(count(v.filesVerifiedBySizeOnly, "RocksDB SST file")) by size only" : ""
            return "verification:     ok: \(count(v.filesVerified, "file")) intact (sizes and checksums\(sizeOnly))\n"
        }
        var out = "verification:     FAILED: \(v.problems.count) of \(count(m.files.count, "file")) failed their check\n"
        for problem in v.problems { out += "  \(problem)\n" }
        return out
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// "1 file", "3 files".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Rows indented by two spaces, columns two spaces apart, padded to their widest cell.
    private static func table(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        let widths = (0..<columns).map { i in rows.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0 }
        return rows.map { row in
            "  "
                + row.enumerated().map { i, cell in
                    pad(cell, widths[i], left: rightAligned.contains(i))
                }.joined(separator: "  ").replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) + "\n"
        }.joined()
    }

    private static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? fill + s : s + fill
    }
}
