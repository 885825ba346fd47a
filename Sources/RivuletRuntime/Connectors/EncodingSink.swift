// EncodingSink: a sink that encodes records once (CSV, JSON lines, lines) and writes them to a file or stdout.
import CRivulet
import RivuletCore
import RivuletExecution

/// Writes every record it receives with its encoder. The header (if any) is written before the first
/// record, or at finish for an empty output, so the output file always exists and is well-formed.
public final class EncodingSink: StreamOperator, CountingSink {
    public let name: String
    private let open: () throws -> ByteWriter
    private var writer: ByteWriter?
    let encoder: RecordEncoder
    private var wroteHeader = false
    /// Records written.
    public let written = MetricsCounter(name: "records_out")

    /// `open` is called on the first record or at finish, so planning alone (validate, describe) never
    /// creates or truncates the output.
    public init(name: String, open: @escaping () throws -> ByteWriter, encoder: RecordEncoder) {
        self.name = name
        self.open = open
        self.encoder = encoder
    }

    private func output() throws -> ByteWriter {
        if let writer { return writer }
        let w = try open()
        writer = w
        return w
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        do {
            let writer = try output()
            if !wroteHeader {
                try encoder.writeHeader(to: writer)
                wroteHeader = true
            }
            for i in 0..<batch.count { try encoder.encode(batch.record(at: i), to: writer) }
            // Each batch reaches the destination when it arrives (one write per batch): results of an
            // unbounded stream show up as they are produced, not when a buffer fills.
            try writer.flush()
        } catch {
            throw OperatorFailure(node: name, message: "\(error)")
        }
        written.add(Int64(batch.count))
    }

    public func advanceWatermark(to watermark: Int64) throws {}

    public func finish() throws {
        do {
            let writer = try output()
            if !wroteHeader {
                try encoder.writeHeader(to: writer)
                wroteHeader = true
            }
            try writer.flush()
        } catch {
            throw OperatorFailure(node: name, message: "\(error)")
        }
    }

    public func close() { try? writer?.flush() }
}

/// Discards records, counting them (benchmarks).
public final class NullSink: StreamOperator, CountingSink {
    public let name: String
    public let written = MetricsCounter(name: "records_out")

    public init(name: String) {
        self.name = name
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        written.add(Int64(batch.count))
    }

    public func advanceWatermark(to watermark: Int64) throws {}
    public func finish() throws {}
    public func close() {}
}
