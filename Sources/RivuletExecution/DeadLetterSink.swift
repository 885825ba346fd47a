// DeadLetterSink: where records that failed (to decode, or in an operator) go, with the reason.
import CRivulet
import Foundation
import RivuletCore

/// Receives failed records. Shared by every task, so implementations are thread-safe.
public protocol DeadLetterSink: AnyObject, Sendable {
    /// `record` failed in `node` because of `reason`; `schema` describes its fields. `raw` is the input
    /// bytes when the record could not even be decoded.
    func deadLetter(node: String, reason: String, record: UnsafePointer<rv_record>?, schema: Schema, raw: UnsafeRawBufferPointer?) throws
    /// How many records were dead-lettered so far.
    var count: Int { get }
    func flush() throws
    /// Where dead letters go, for the run summary ("dead-letters.jsonl", "stderr"); empty if nowhere to name.
    var destination: String { get }
    /// Dead letters counted but not written (past a writer's `shownLimit`).
    var withheld: Int { get }
}

extension DeadLetterSink {
    public var destination: String { "" }
    public var withheld: Int { 0 }
}

/// Writes dead letters as JSON lines: `{"node":…,"reason":…,"record":{…}}` (or `"raw":…` for input that
/// could not be decoded — `"raw_base64":…` when those bytes are not UTF-8, so they come back exactly), to a
/// file or stderr. Only the first `shownLimit` are written (stderr when the manifest names no
/// `dead_letters`: a screenful, not 200,000 lines); the rest are counted (`withheld`) for the summary.
public final class JSONDeadLetterWriter: DeadLetterSink, @unchecked Sendable {
    /// How many dead letters go to stderr when the manifest names no `dead_letters` sink.
    public static let shownOnStderr = 10

    private let lock = NSLock()
    private let open: () throws -> ByteWriter
    private var writer: ByteWriter?
    private var written = 0
    private var notWritten = 0
    public let destination: String
    public let shownLimit: Int

    /// `open` is called at the first dead letter: a run without failures creates no file.
    public init(destination: String, shownLimit: Int = .max, open: @escaping () throws -> ByteWriter) {
        self.open = open
        self.destination = destination
        self.shownLimit = shownLimit
    }

    public convenience init(writer: ByteWriter, shownLimit: Int = .max) {
        self.init(destination: writer.path, shownLimit: shownLimit, open: { writer })
    }

    public var count: Int { lock.withLock { written + notWritten } }
    public var withheld: Int { lock.withLock { notWritten } }

    public func deadLetter(
        node: String, reason: String, record: UnsafePointer<rv_record>?, schema: Schema, raw: UnsafeRawBufferPointer?
    ) throws {
        try lock.withLock {
            guard written < shownLimit else {
                notWritten += 1
                return
            }
            if writer == nil { writer = try open() }
            let writer = writer!
            try Self.writeObject(node: node, reason: reason, record: record, schema: schema, raw: raw, to: writer)
            try writer.write("\n")
            written += 1
            try writer.flush()
        }
    }

    /// One dead letter as a JSON object (no newline): node, reason, then the raw input or the record.
    public static func writeObject(
        node: String, reason: String, record: UnsafePointer<rv_record>?, schema: Schema, raw: UnsafeRawBufferPointer?, to writer: ByteWriter
    ) throws {
        try writer.write("{\"node\":\(JSONLinesEncoder.quoted(node)),\"reason\":\(JSONLinesEncoder.quoted(reason))")
        if let raw {
            if String(validating: raw, as: UTF8.self) != nil {
                try writer.write(",\"raw\":")
                try JSONLinesEncoder.writeQuoted(raw, to: writer)
            } else {
                try writer.write(",\"raw_base64\":\"\(Data(raw).base64EncodedString())\"")
            }
        }
        if let record {
            try writer.write(",\"record\":")
            let encoder = JSONLinesEncoder(schema: schema)
            try encoder.encodeObject(record, to: writer)
        }
        try writer.write("}")
    }

    public func flush() throws { try lock.withLock { try writer?.flush() } }
}
