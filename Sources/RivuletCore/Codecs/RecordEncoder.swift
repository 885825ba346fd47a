// RecordEncoder: writes records of a schema as CSV, JSON lines or raw lines, once, at the sink.
import CRivulet

/// Encodes records for a sink. `fields` selects which schema fields are written, in order.
public protocol RecordEncoder {
    /// Written once before the first record (a CSV header); may write nothing.
    func writeHeader(to writer: ByteWriter) throws
    func encode(_ record: UnsafePointer<rv_record>, to writer: ByteWriter) throws
    /// Whether each encoded record ends with a newline (a text line); a binary encoding's last byte is data.
    var endsWithNewline: Bool { get }
}

extension RecordEncoder {
    public var endsWithNewline: Bool { true }
}

/// Writes each field's text separated by the delimiter, quoting cells that need it (RFC 4180).
public struct CSVEncoder: RecordEncoder {
    public let schema: Schema
    public let fields: [Int]
    public let header: Bool
    public let delimiter: UInt8
    /// Write each record's change op (`+I`, `-U`, `+U`, `-D`) as a first column named `op`.
    public let ops: Bool

    public init(schema: Schema, fields: [Int]? = nil, header: Bool = true, delimiter: UInt8 = UInt8(ascii: ","), ops: Bool = false) {
        self.schema = schema
        self.fields = fields ?? Array(0..<schema.count)
        self.header = header
        self.delimiter = delimiter
        self.ops = ops
    }

    public func writeHeader(to writer: ByteWriter) throws {
        guard header else { return }
        if ops { try writer.write("op") }
        for (n, f) in fields.enumerated() {
            if n > 0 || ops { try writer.write(byte: delimiter) }
            try writeCell(Array(schema.fields[f].name.utf8), to: writer)
        }
        try writer.write(byte: 0x0A)
    }

    public func encode(_ record: UnsafePointer<rv_record>, to writer: ByteWriter) throws {
        if fields.isEmpty {
            try writer.write(UnsafeRawBufferPointer(start: record.pointee.value, count: Int(record.pointee.value_len)))
            try writer.write(byte: 0x0A)
            return
        }
        let row = record.pointee.fields!
        if ops { try writer.write(ChangeOp.text(record.pointee.op)) }
        for (n, f) in fields.enumerated() {
            if n > 0 || ops { try writer.write(byte: delimiter) }
            let value = row[f]
            switch FieldType(rawValue: value.type) ?? .null {
            case .null: break
            case .i64, .timestamp: try writer.write(integer: value.value.i64)
            case .string, .bytes:
                try writeCell(UnsafeRawBufferPointer(start: value.value.ptr, count: Int(value.len)), to: writer)
            case .f64, .bool: try writer.write(FieldText.render(value))
            }
        }
        try writer.write(byte: 0x0A)
    }

    private func writeCell<C: Collection<UInt8>>(_ cell: C, to writer: ByteWriter) throws {
        let needsQuotes = cell.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes {
            if let done = try cell.withContiguousStorageIfAvailable({ try writer.write(UnsafeRawBufferPointer($0)) }) {
                return done
            }
            for b in cell { try writer.write(byte: b) }
            return
        }
        try writer.write(byte: 0x22)
        for b in cell {
            if b == 0x22 { try writer.write(byte: 0x22) }
            try writer.write(byte: b)
        }
        try writer.write(byte: 0x22)
    }
}

/// Writes one JSON object per record: `{"name":value,…}`. Strings and bytes are written as JSON strings,
/// byte for byte (see `writeQuoted`); non-finite doubles as null.
public struct JSONLinesEncoder: RecordEncoder {
    public let schema: Schema
    public let fields: [Int]
    private let keys: [[UInt8]]
    /// Write each record's change op as a first member `"op"`.
    public let ops: Bool

    public init(schema: Schema, fields: [Int]? = nil, ops: Bool = false) {
        self.ops = ops
        self.schema = schema
        self.fields = fields ?? Array(0..<schema.count)
        keys = self.fields.map { Array(JSONLinesEncoder.quoted(schema.fields[$0].name).utf8) + [UInt8(ascii: ":")] }
    }

    public func writeHeader(to writer: ByteWriter) throws {}

    public func encode(_ record: UnsafePointer<rv_record>, to writer: ByteWriter) throws {
        try encodeObject(record, to: writer)
        try writer.write(byte: 0x0A)
    }

    /// Writes the record as one JSON object, without a line end.
    public func encodeObject(_ record: UnsafePointer<rv_record>, to writer: ByteWriter) throws {
        if fields.isEmpty {
            try writer.write("{\"value\":")
            try JSONLinesEncoder.writeQuoted(UnsafeRawBufferPointer(start: record.pointee.value, count: Int(record.pointee.value_len)), to: writer)
            try writer.write(byte: UInt8(ascii: "}"))
            return
        }
        try writer.write(byte: UInt8(ascii: "{"))
        let row = record.pointee.fields!
        if ops { try writer.write("\"op\":\"\(ChangeOp.text(record.pointee.op))\"") }
        for (n, f) in fields.enumerated() {
            if n > 0 || ops { try writer.write(byte: UInt8(ascii: ",")) }
            try keys[n].withUnsafeBytes { try writer.write($0) }
            try JSONLinesEncoder.writeValue(row[f], to: writer)
        }
        try writer.write(byte: UInt8(ascii: "}"))
    }

    /// Writes one field value as JSON.
    public static func writeValue(_ value: rv_field, to writer: ByteWriter) throws {
        switch FieldType(rawValue: value.type) ?? .null {
        case .null: try writer.write("null")
        case .i64, .timestamp: try writer.write(integer: value.value.i64)
        case .f64: try writer.write(value.value.f64.isFinite ? FieldText.formatDouble(value.value.f64) : "null")
        case .bool: try writer.write(value.value.i64 != 0 ? "true" : "false")
        case .string, .bytes: try writeQuoted(UnsafeRawBufferPointer(start: value.value.ptr, count: Int(value.len)), to: writer)
        }
    }

    /// Writes `bytes` as a JSON string literal byte for byte: quotes, backslashes and control characters
    /// are escaped, every other byte is written unchanged — bytes that are not UTF-8 stay as they came
    /// (as in CSV output), never replaced by U+FFFD.
    public static func writeQuoted(_ bytes: UnsafeRawBufferPointer, to writer: ByteWriter) throws {
        try writer.write(byte: 0x22)
        var runStart = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            if i > runStart { try writer.write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
            switch b {
            case 0x22: try writer.write("\\\"")
            case 0x5C: try writer.write("\\\\")
            case 0x0A: try writer.write("\\n")
            case 0x0D: try writer.write("\\r")
            case 0x09: try writer.write("\\t")
            default:
                let hex = String(b, radix: 16)
                try writer.write("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            }
            runStart = i + 1
        }
        if bytes.count > runStart { try writer.write(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
        try writer.write(byte: 0x22)
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Writes each record's raw value as a line; for records with fields, their texts joined by the
/// delimiter (without CSV quoting).
public struct LinesEncoder: RecordEncoder {
    public let fields: [Int]
    public let delimiter: UInt8
    /// Prefix each line with the record's change op and the delimiter.
    public let ops: Bool

    public init(schema: Schema, fields: [Int]? = nil, delimiter: UInt8 = UInt8(ascii: ","), ops: Bool = false) {
        self.fields = fields ?? Array(0..<schema.count)
        self.delimiter = delimiter
        self.ops = ops
    }

    public func writeHeader(to writer: ByteWriter) throws {}

    public func encode(_ record: UnsafePointer<rv_record>, to writer: ByteWriter) throws {
        if ops {
            try writer.write(ChangeOp.text(record.pointee.op))
            try writer.write(byte: delimiter)
        }
        if fields.isEmpty || record.pointee.value_len > 0 {
            try writer.write(UnsafeRawBufferPointer(start: record.pointee.value, count: Int(record.pointee.value_len)))
        } else {
            for (n, f) in fields.enumerated() {
                if n > 0 { try writer.write(byte: delimiter) }
                let value = record.pointee.fields[f]
                if FieldType(rawValue: value.type)?.isBytesLike == true {
                    try writer.write(UnsafeRawBufferPointer(start: value.value.ptr, count: Int(value.len)))
                } else {
                    try writer.write(FieldText.render(value))
                }
            }
        }
        try writer.write(byte: 0x0A)
    }
}
