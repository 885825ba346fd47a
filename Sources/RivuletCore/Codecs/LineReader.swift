// LineReader: reads a file or stdin in large chunks and hands out complete lines (or CSV records) without copying them.
import Foundation

/// Splits a byte stream into lines (`\n`, with an optional `\r` before it removed).
///
/// Lines are handed out as views into an internal buffer, valid until the next call to `next()`.
///
/// With a CSV delimiter, a newline inside a quoted cell does not end the record (RFC 4180). A quote opens
/// a quoted cell only as the first byte of a cell; anywhere else (`Bob"s Diner`) it is an ordinary
/// character, as in Python's `csv`. A quoted cell that is not closed — by a quote followed by the
/// delimiter or the line end — within `CSVRecordLimits` (or before the end of input) is cut: `next()` returns the line where it opened alone, with `unclosedQuote` set,
/// and reading resumes on the line after it — so the lines it would have swallowed are read as records.
///
/// A file must not change while it is read other than by growing: when it shrinks (below what was read,
/// or by the end below the largest size seen), its first bytes change (rewritten in place) or its path
/// names another file at the end, `next()` throws `InputChanged` instead of handing out a torn or mixed
/// line. A UTF-8 byte order mark at the start of the input is skipped.
/// - Complexity: O(bytes); one `read` (and one `fstat`) per buffer; a line longer than the buffer grows it.
public final class LineReader {
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    // The `@exclusivity(unchecked)` properties are per-line state, used by the source's thread only: they
    // skip the runtime's dynamic exclusivity checks, ~75 instructions per access (docs/ARCHITECTURE.md).
    @exclusivity(unchecked) private var buffer: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var eof = false
    /// The CSV delimiter when records are CSV (quotes are then significant), else nil.
    private let csvDelimiter: UInt8?
    private let limits: CSVRecordLimits
    /// 1-based number of the physical line where the record last returned starts.
    public var lineNumber: Int { recordLine }
    /// Why the line last returned was cut (a quote opened in it is never closed), or nil.
    public var unclosedQuote: UnclosedQuote? { recordCut }
    // The stored values behind the public getters, which sources read per record from another module:
    // there, direct access to a stored property would come with that module's dynamic exclusivity check.
    @exclusivity(unchecked) private var recordLine = 0
    @exclusivity(unchecked) private var recordCut: UnclosedQuote?
    @exclusivity(unchecked) private var recordLines = 0

    /// Why a quoted CSV cell counts as never closed.
    public enum UnclosedQuote: Sendable, Equatable {
        /// The record ran past `CSVRecordLimits` (checked at each line break).
        case limit
        /// The input ended inside it.
        case endOfInput
        /// A quote that seemed to close it is followed by something other than a delimiter or line end.
        case malformedClose
    }
    /// Physical lines handed out so far (a multi-line CSV record counts all its lines).
    @exclusivity(unchecked) private var consumedLines = 0
    /// Reads a pipe or terminal (stdin): more input may take any time to come.
    public let isStream: Bool
    /// For files: the file's identity when opened and the bytes read since, to see it change under us.
    private let realPath: String?

    /// The size of the file now (nil for a stream): what the progress line's % is of.
    public var fileSize: Int64? {
        guard realPath != nil else { return nil }
        var s = stat()
        return fstat(fd, &s) == 0 ? Int64(s.st_size) : nil
    }
    private var identity: (device: UInt64, inode: UInt64) = (0, 0)
    private var bytesRead: Int64 = 0
    /// The largest size the file was seen to have: at the end it must not be smaller (cut ahead of us).
    private var largestSize: Int64 = 0
    /// The file's first bytes as read (up to 4 KiB): re-read after every read, they must not change
    /// (a rewrite in place, such as `cp other in.csv`, changes them even when no shrink is seen).
    private var prefix: [UInt8] = []
    /// Whether the next bytes are the input's first (a UTF-8 byte order mark there is skipped).
    private var atInputStart = true

    /// Progress of the search for the end of the record at `start` (offsets relative to `start`, so they
    /// survive the buffer moving). Only newlines already passed inside quotes are committed here.
    private struct Scan {
        /// Where the next segment (bytes up to a newline) begins.
        var offset = 0
        /// No newline before this offset, from `offset` on (so a long line is not searched twice).
        var searched = 0
        /// Newlines inside quotes passed so far, and the first of them.
        var newlines = 0
        var firstNewline = -1
    }
    @exclusivity(unchecked) private var scan = Scan()
    /// A record end found by `hasBufferedLine`, handed out by the next `next()`.
    @exclusivity(unchecked) private var pending: Found?

    private struct Found {
        /// Absolute offsets into `buffer`: the line ends at `lineEnd`, the next starts at `consumed`.
        var lineEnd: Int
        var consumed: Int
        var lines: Int
        var cut: UnclosedQuote?
    }

    private enum Search {
        case found(Found)
        case needMore
        case end
    }

    /// Opens `path`; messages name it `displayName` (e.g. relative to the manifest) when given.
    /// `csvDelimiter` makes quotes significant (CSV records may span lines).
    public init(
        path: String, displayName: String? = nil, csvDelimiter: UInt8? = nil,
        limits: CSVRecordLimits = .standard, bufferSize: Int = 1 << 20
    ) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure(path: displayName ?? path, operation: "open", errno: errno) }
        self.fd = fd
        self.path = displayName ?? path
        ownsDescriptor = true
        isStream = false
        realPath = path
        self.csvDelimiter = csvDelimiter
        self.limits = limits
        capacity = max(bufferSize, 1)
        buffer = .allocate(byteCount: capacity, alignment: 16)
        var s = stat()
        if fstat(fd, &s) == 0 {
            identity = (UInt64(s.st_dev), UInt64(s.st_ino))
            largestSize = Int64(s.st_size)
        }
    }

    public init(
        descriptor: Int32, name: String, csvDelimiter: UInt8? = nil, limits: CSVRecordLimits = .standard,
        bufferSize: Int = 1 << 16
    ) {
        fd = descriptor
        path = name
        ownsDescriptor = false
        isStream = true
        realPath = nil
        self.csvDelimiter = csvDelimiter
        self.limits = limits
        capacity = max(bufferSize, 1)
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        if ownsDescriptor { close(fd) }
        buffer.deallocate()
    }

    /// The next line (CSV: record) without its terminator, or nil at the end of input. A last line
    /// without a newline is returned too.
    public func next() throws -> UnsafeRawBufferPointer? {
        while true {
            switch search() {
            case .found(let found): return take(found)
            case .end: return nil
            case .needMore: try refill()
            }
        }
    }

    /// Whether a complete line is already buffered (so `next()` returns without reading), or the input
    /// has ended. A stream source hands on what it has rather than wait for more.
    public var hasBufferedLine: Bool {
        if case .needMore = search() { return false }
        return true
    }

    /// Whether a complete record is buffered, not counting the end of input: what a stopping source may
    /// still hand out without reading more (a partial last line is not complete).
    public var hasCompleteBufferedRecord: Bool {
        if case .found = search() { return true }
        return false
    }

    /// Bytes read from the input and not handed out yet (after the last complete record: a partial line).
    public var bufferedBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer + start, count: end - start)
    }

    /// Reads once from the descriptor into the buffer (after `waitForInput` said input is ready, this
    /// does not block). For stream sources, which must not wait inside `next()` for a line to complete.
    public func readAvailable() throws {
        try refill()
    }

    /// Waits up to `milliseconds` for input to read (or the end of it). True when `next()` would not block
    /// for long: a line is buffered, the input ended, or bytes are ready on the descriptor.
    public func waitForInput(milliseconds: Int32) -> Bool {
        if hasBufferedLine { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let r = poll(&p, 1, milliseconds)
            if r < 0 && errno == EINTR { continue }
            return r != 0
        }
    }

    /// Looks for the end of the record at `start` in the buffered bytes.
    private func search() -> Search {
        if let pending { return .found(pending) }
        while true {
            let from = start + scan.offset
            let searchFrom = max(from, start + scan.searched)
            guard searchFrom < end, let hit = memchr(buffer + searchFrom, 0x0A, end - searchFrom) else {
                scan.searched = end - start
                guard eof else { return .needMore }
                if start == end { return .end }
                // The last line has no newline.
                if let delimiter = csvDelimiter {
                    switch quotes(from: from, to: end, inQuotes: scan.newlines > 0, delimiter) {
                    case .closed: break
                    case .open: return remember(cutOrWhole(wholeEnd: end, .endOfInput))
                    case .malformed where scan.newlines == 0: break
                    case .malformed: return remember(cutOrWhole(wholeEnd: end, .malformedClose))
                    }
                }
                return remember(Found(lineEnd: end, consumed: end, lines: scan.newlines + 1, cut: nil))
            }
            let newline = buffer.distance(to: UnsafeMutableRawPointer(hit))
            let state = csvDelimiter.map { quotes(from: from, to: newline, inQuotes: scan.newlines > 0, $0) } ?? .closed
            switch state {
            case .closed:
                return remember(Found(lineEnd: newline, consumed: newline + 1, lines: scan.newlines + 1, cut: nil))
            case .malformed where scan.newlines == 0:
                // One line: the decoder reports it.
                return remember(Found(lineEnd: newline, consumed: newline + 1, lines: 1, cut: nil))
            case .malformed:
                // The quote that seemed to close the cell was not the cell's end: it never closed.
                return remember(cutOrWhole(wholeEnd: newline, .malformedClose))
            case .open:
                // The newline is inside a quoted cell: the record goes on, up to the limits.
                if scan.firstNewline < 0 { scan.firstNewline = newline - start }
                scan.newlines += 1
                scan.offset = newline + 1 - start
                scan.searched = scan.offset
                if scan.newlines + 1 > limits.maxLines || newline + 1 - start > limits.maxBytes {
                    return remember(cutOrWhole(wholeEnd: newline, .limit))
                }
            }
        }
    }

    private func remember(_ found: Found) -> Search {
        pending = found
        return .found(found)
    }

    /// A record whose quote never closes: its first line alone when it spans lines, else all of it.
    private func cutOrWhole(wholeEnd: Int, _ why: UnclosedQuote) -> Found {
        if scan.firstNewline >= 0 {
            let newline = start + scan.firstNewline
            return Found(lineEnd: newline, consumed: newline + 1, lines: 1, cut: why)
        }
        return Found(lineEnd: wholeEnd, consumed: wholeEnd, lines: 1, cut: why)
    }

    /// Where a CSV segment leaves its quotes.
    private enum QuoteState {
        /// No quoted cell is open at the segment's end.
        case closed
        /// A quoted cell is open: the newline at the end is part of it.
        case open
        /// A quote closed a cell but something other than a delimiter or the line end follows it.
        case malformed
    }

    /// Scans CSV from `from` (a record's start, or just after a newline inside quotes when `inQuotes`) to
    /// `to` (a newline or the end of input). A quote opens a cell only as the cell's first byte; inside a
    /// quoted cell `""` is an escaped quote, and a closing quote must be followed by the delimiter or the
    /// line's end (`\r` allowed).
    @inline(__always)
    private func quotes(from: Int, to: Int, inQuotes startsInQuotes: Bool, _ delimiter: UInt8) -> QuoteState {
        let quote: UInt8 = 0x22
        // Fast path: no quote at all in the segment.
        if memchr(buffer + from, Int32(quote), to - from) == nil { return startsInQuotes ? .open : .closed }
        var inQuotes = startsInQuotes
        var atCellStart = !startsInQuotes
        var i = from
        while i < to {
            if inQuotes {
                guard let q = memchr(buffer + i, Int32(quote), to - i) else { return .open }
                let at = buffer.distance(to: UnsafeMutableRawPointer(q))
                let after: UInt8? = at + 1 < to ? buffer.load(fromByteOffset: at + 1, as: UInt8.self) : nil
                if after == quote {
                    i = at + 2
                    continue
                }
                let endsCell = after == nil || after == delimiter || (after == 0x0D && at + 2 == to)
                if !endsCell { return .malformed }
                inQuotes = false
                atCellStart = false
                i = at + 1
            } else {
                if atCellStart && buffer.load(fromByteOffset: i, as: UInt8.self) == quote {
                    inQuotes = true
                    atCellStart = false
                    i += 1
                    continue
                }
                guard let d = memchr(buffer + i, Int32(delimiter), to - i) else { return .closed }
                i = buffer.distance(to: UnsafeMutableRawPointer(d)) + 1
                atCellStart = true
            }
        }
        return inQuotes ? .open : .closed
    }

    private func take(_ found: Found) -> UnsafeRawBufferPointer {
        var last = found.lineEnd
        if last > start && buffer.load(fromByteOffset: last - 1, as: UInt8.self) == UInt8(ascii: "\r") { last -= 1 }
        let line = UnsafeRawBufferPointer(start: buffer + start, count: last - start)
        lastRecord = (start, found.lines > 1 ? start + scan.firstNewline : -1)
        start = found.consumed
        recordLine = consumedLines + 1
        consumedLines += found.lines
        recordLines = found.lines
        recordCut = found.cut
        scan = Scan()
        pending = nil
        return line
    }

    /// Where the input stands after the record last returned: the byte offset of the next unread byte and
    /// the physical lines handed out. A checkpoint saves it; `seek` returns to it.
    public var position: (offset: Int64, lines: Int) { (bytesRead - Int64(end - start), consumedLines) }

    /// Continues at a `position` of this file: the next record starts at byte `offset`, numbered as line
    /// `lines + 1`. Files only. Throws when the file is now shorter than `offset` (it was cut or replaced).
    public func seek(to offset: Int64, lines: Int) throws {
        precondition(realPath != nil, "only a file can be read again")
        var s = stat()
        guard fstat(fd, &s) == 0 else { throw IOFailure(path: path, operation: "stat", errno: errno) }
        guard Int64(s.st_size) >= offset else {
            throw InputChanged(path: path, bytesRead: offset, sizeNow: Int64(s.st_size), lines: lines, replaced: false)
        }
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else { throw IOFailure(path: path, operation: "seek", errno: errno) }
        start = 0
        end = 0
        eof = false
        scan = Scan()
        pending = nil
        bytesRead = offset
        consumedLines = lines
        recordLine = lines
        largestSize = max(largestSize, Int64(s.st_size))
        atInputStart = offset == 0
        if offset > 0 && prefix.isEmpty {
            // The first bytes, for the check that the file is not rewritten under us.
            var first = [UInt8](repeating: 0, count: Int(min(4096, s.st_size)))
            let got = first.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            if got == first.count { prefix = first }
        }
    }

    /// Physical lines handed out so far (the next line read is number `linesConsumed + 1`).
    public var linesConsumed: Int { consumedLines }

    /// Physical lines of the record last returned.
    public var lineCount: Int { recordLines }
    /// Where the record last returned starts in the buffer, and its first newline (-1: one line).
    @exclusivity(unchecked) private var lastRecord = (start: 0, firstNewline: -1)

    /// Takes back the record last returned, when it spans lines, but its first line: that line is
    /// returned (valid until the next `next()`), and the next `next()` reads from the line after it.
    /// For a multi-line CSV record that does not decode: its quotes may pair wrongly (an unclosed quote
    /// closed lines later by a stray one), so only its first line is given up and the rest is read again.
    public func rereadAfterFirstLine() -> UnsafeRawBufferPointer? {
        guard recordLines > 1, lastRecord.firstNewline >= 0 else { return nil }
        var last = lastRecord.firstNewline
        if last > lastRecord.start && buffer.load(fromByteOffset: last - 1, as: UInt8.self) == UInt8(ascii: "\r") { last -= 1 }
        start = lastRecord.firstNewline + 1
        consumedLines = recordLine
        recordLines = 1
        scan = Scan()
        pending = nil
        return UnsafeRawBufferPointer(start: buffer + lastRecord.start, count: last - lastRecord.start)
    }

    /// Moves the unread tail to the front, grows the buffer if a line fills it, and reads more.
    private func refill() throws {
        let pending = end - start
        if start > 0 {
            if pending > 0 { buffer.copyMemory(from: buffer + start, byteCount: pending) }
            start = 0
            end = pending
        }
        if end == capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure(path: path, operation: "read", errno: errno)
            }
            if n == 0 { eof = true }
            if atInputStart && n > 0 {
                atInputStart = false
                if realPath != nil { prefix = Array(UnsafeRawBufferPointer(start: buffer + end, count: min(n, 4096))) }
                // A UTF-8 byte order mark (spreadsheets write one) is not part of the first line.
                if n >= 3 && buffer.load(fromByteOffset: end, as: UInt8.self) == 0xEF
                    && buffer.load(fromByteOffset: end + 1, as: UInt8.self) == 0xBB
                    && buffer.load(fromByteOffset: end + 2, as: UInt8.self) == 0xBF
                {
                    start += 3
                }
            }
            end += n
            bytesRead += Int64(n)
            if realPath != nil { try checkUnchanged(atEnd: n == 0) }
            return
        }
    }

    /// Throws `InputChanged` when the file shrank (below what was read, or — at its end — below the
    /// largest size seen), when its first bytes changed (rewritten in place), or (at its end) when its
    /// path now names another file.
    private func checkUnchanged(atEnd: Bool) throws {
        var s = stat()
        guard fstat(fd, &s) == 0, (s.st_mode & S_IFMT) == S_IFREG else { return }
        let size = Int64(s.st_size)
        if size < bytesRead || (atEnd && size < largestSize) {
            throw InputChanged(
                path: path, bytesRead: max(bytesRead, largestSize), sizeNow: size, lines: consumedLines,
                replaced: false)
        }
        largestSize = max(largestSize, size)
        if !prefix.isEmpty {
            var now = [UInt8](repeating: 0, count: prefix.count)
            let got = now.withUnsafeMutableBytes { pread(fd, $0.baseAddress, prefix.count, 0) }
            if got != prefix.count || now != prefix {
                throw InputChanged(
                    path: path, bytesRead: bytesRead, sizeNow: size, lines: consumedLines,
                    replaced: false, rewritten: true)
            }
        }
        if atEnd, let realPath {
            var now = stat()
            if stat(realPath, &now) != 0 || UInt64(now.st_dev) != identity.device || UInt64(now.st_ino) != identity.inode {
                throw InputChanged(
                    path: path, bytesRead: bytesRead, sizeNow: Int64(s.st_size), lines: consumedLines,
                    replaced: true)
            }
        }
    }
}
