// TextSource: reads a file or stdin line by line and decodes each line as CSV, JSON lines or raw text.
import Atomics
import Foundation
import RivuletCore
import RivuletExecution
import RivuletSnapshot

/// A source reading text records: one per line (a CSV record may span lines inside quotes). Lines that do
/// not decode are dead-lettered with `file:line` and the reason; the rest flow on.
public final class TextSource: CheckpointedSource {
    public let name: String
    public let schema: Schema
    let reader: LineReader
    let decoder: RecordDecoder
    /// How far a quoted CSV cell may run (for messages; the reader applies them).
    let limits: CSVRecordLimits
    /// The file's size when opened (nil: stdin), and the bytes consumed as of the last batch filled.
    private let size: Int64?
    private let consumed = ManagedAtomic<Int64>(0)
    /// Where record positions come from: each record's offset is the line number where it starts.
    public init(name: String, reader: LineReader, schema: Schema, decoder: RecordDecoder, limits: CSVRecordLimits = .standard) {
        size = reader.isStream ? nil : reader.fileSize
        self.name = name
        self.limits = limits
        self.reader = reader
        self.schema = schema
        self.decoder = decoder
    }

    public func fill(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool {
        defer { if size != nil { consumed.store(reader.position.offset, ordering: .relaxed) } }
        while !batch.isFull {
            // From a pipe, pass on what has arrived instead of waiting for a full batch; with nothing at
            // all, come back now and then (empty) so that clock-driven watermarks keep moving. Bytes are
            // read only when ready, so `next()` never blocks on a half-written line or quoted cell.
            if reader.isStream {
                while !reader.hasBufferedLine {
                    if !batch.isEmpty { return true }
                    if !reader.waitForInput(milliseconds: 100) { return true }
                    try reader.readAvailable()
                }
            }
            guard let line = try reader.next() else { return false }
            try take(line, into: batch, deadLetters: deadLetters)
        }
        return true
    }

    /// After a stop: the records already read into the reader's buffer (a pipe's bytes cannot be read
    /// again), without reading more; a partial last line stays unread.
    public func fillBuffered(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool {
        while !batch.isFull {
            guard reader.hasCompleteBufferedRecord, let line = try reader.next() else {
                let partial = reader.bufferedBytes
                if !partial.isEmpty && !stoppedInsideALine {
                    // Its first bytes were read, the rest was not: kept as a dead letter, never dropped.
                    stoppedInsideALine = true
                    try deadLetters.sendRaw(
                        partial,
                        reason: "\(reader.path):\(reader.linesConsumed + 1): the run was stopped inside "
                            + "this line; the \(partial.count) bytes read of it are kept here, the rest was not read")
                }
                return false
            }
            try take(line, into: batch, deadLetters: deadLetters)
        }
        return true
    }

    /// A stop found part of a line read: it was dead-lettered once.
    private var stoppedInsideALine = false

    /// Decodes `line` into `batch`, or dead-letters it with its place and the reason.
    private func take(_ line: UnsafeRawBufferPointer, into batch: RecordBatch, deadLetters: DeadLetterRoute) throws {
        if let why = reader.unclosedQuote {
            // Only the line where the quote opened is dead-lettered; the lines after it are read again.
            let how =
                switch why {
                case .limit: "within \(limits.maxLines) lines or \(limits.maxBytes) bytes"
                case .endOfInput: "before the end of the input"
                case .malformedClose: "(a later quote is followed by neither a delimiter nor the line end)"
                }
            try deadLetters.sendRaw(
                line,
                reason: "\(reader.path):\(reader.lineNumber): a quoted cell opened on this line is not closed \(how); "
                    + "reading resumes on the next line")
            return
        }
        if line.isEmpty && !schema.isEmpty { return }
        do {
            try decoder.decode(line, into: batch)
            let i = batch.count - 1
            let position = Int64(reader.lineNumber)
            batch.setPosition(i, partition: 0, offset: position)
        } catch {
            let lines = reader.lineCount
            if lines > 1, let first = reader.rereadAfterFirstLine() {
                // Quotes that span lines may pair wrongly (an unclosed quote closed by a stray one lines
                // later): give up only the first line and read the lines after it again.
                try deadLetters.sendRaw(
                    first,
                    reason: "\(reader.path):\(reader.lineNumber): \(error.message) (in a record spanning lines "
                        + "\(reader.lineNumber)–\(reader.lineNumber + lines - 1); only its first line is dead-lettered, "
                        + "reading resumes on the next line)")
                return
            }
            try deadLetters.sendRaw(line, reason: "\(reader.path):\(reader.lineNumber): \(error.message)")
        }
    }

    public func close() {}

    public func describe(offset: Int64) -> String { "\(reader.path):\(offset)" }

    // MARK: checkpoints

    /// A file can be read again from a byte offset; stdin cannot.
    public var isReplayable: Bool { !reader.isStream }

    public func snapshotPosition(into writer: inout SnapshotWriter) throws {
        let position = reader.position
        writer.write(position.offset)
        writer.write(position.lines)
    }

    public func restorePosition(from reader: inout SnapshotReader) throws {
        let offset = try reader.readInt64()
        let lines = try reader.readInt(in: 0...Int.max, "the lines read")
        guard offset >= 0 else { throw SnapshotCorrupt(reader.name, "a negative byte offset \(offset)") }
        guard isReplayable else { return }
        try self.reader.seek(to: offset, lines: lines)
    }
}

extension TextSource: InputProgressReporting {
    public var inputProgress: (done: Int64, total: Int64)? {
        size.map { (min(consumed.load(ordering: .relaxed), $0), $0) }
    }
}
