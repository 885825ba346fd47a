// RecordDecoder: turns one line of input into one record of a batch (CSV, JSON lines or raw lines).

/// Why a line could not become a record; the source dead-letters the line with this reason.
public struct DecodeFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Decodes one line into a new record appended to `batch`. On failure nothing is appended.
public protocol RecordDecoder {
    func decode(_ line: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure)
}

/// A line becomes a record's raw `value` (schema-less streams: codec `lines`).
public struct RawLineDecoder: RecordDecoder {
    public init() {}

    public func decode(_ line: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
        let i = batch.appendEmpty()
        batch.setValue(i, line.baseAddress, count: line.count)
    }
}
