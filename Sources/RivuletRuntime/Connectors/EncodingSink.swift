// EncodingSink: a sink that encodes records once (CSV, JSON lines, lines) and writes them to a file or stdout.
import CRivulet
import RivuletCore

/// Writes every record it receives with its encoder. The header (if any) is written before the first
/// record, or at finish for an empty output, so the output file always exists and is well-formed.
public final class EncodingSink: StreamOperator {
    public let name: String
    let writer: ByteWriter
    let encoder: RecordEncoder
    private var wroteHeader = false
    /// Records written.
    public let written = MetricsCounter(name: "records_out")

    public init(name: String, writer: ByteWriter, encoder: RecordEncoder) {
        self.name = name
        self.writer = writer
        self.encoder = encoder
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        do {
            if !wroteHeader {
                try encoder.writeHeader(to: writer)
                wroteHeader = true
            }
            for i in 0..<batch.count { try encoder.encode(batch.record(at: i), to: writer) }
        } catch {
            throw OperatorFailure(node: name, message: "\(error)")
        }
        written.add(Int64(batch.count))
    }

    public func advanceWatermark(to watermark: Int64) throws {}

    public func finish() throws {
        do {
            if !wroteHeader {
                try encoder.writeHeader(to: writer)
                wroteHeader = true
            }
            try writer.flush()
        } catch {
            throw OperatorFailure(node: name, message: "\(error)")
        }
    }

    public func close() { try? writer.flush() }
}

/// Discards records, counting them (benchmarks).
public final class NullSink: StreamOperator {
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
