// DataFormat: how records are laid out as text in files, stdin and stdout.

/// The text format of a file, stdin or stdout stream.
public enum DataFormat: String, Sendable, Hashable, CaseIterable {
    /// Comma- (or `delimiter`-) separated values, optionally with a header line.
    case csv
    /// One JSON object per line.
    case jsonl
    /// One record per line, the whole line as its value.
    case lines

    /// The format a file name implies: `.csv` is csv, `.jsonl` and `.ndjson` are jsonl, anything else is
    /// lines. Case-insensitive.
    public static func inferred(fromPath path: String) -> DataFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        return .lines
    }
}
