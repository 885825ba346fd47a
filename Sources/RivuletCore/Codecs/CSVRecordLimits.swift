// CSVRecordLimits: how far a quoted CSV cell may run across lines before it counts as never closed.

/// A quoted CSV cell may hold newlines (RFC 4180), so a record can span lines. A quote that is never
/// closed would otherwise swallow the rest of the input; a record that spans more than `maxLines`
/// physical lines or `maxBytes` bytes is cut: its first line is dead-lettered (the quote opened there is
/// reported as not closed) and reading resumes on the line after it. The same happens at the end of input.
public struct CSVRecordLimits: Sendable, Equatable {
    public var maxLines: Int
    public var maxBytes: Int

    public init(maxLines: Int = 1_000, maxBytes: Int = 1 << 20) {
        self.maxLines = maxLines
        self.maxBytes = maxBytes
    }

    public static let standard = CSVRecordLimits()
}
