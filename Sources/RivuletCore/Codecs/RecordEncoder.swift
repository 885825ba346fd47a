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
    public let format: ValueFormat

    public init(
        schema: Schema, fields: [Int]? = nil, header: Bool = true, delimiter: UInt8 = UInt8(ascii: ","), ops: Bool = false,
        format: ValueFormat = .standard
    ) {
        self.schema = schema
        self.fields = fields ?? Array(0..<schema.count)
        self.header = header
        self.delimiter = delimiter
        self.ops = ops
        self.format = format
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
            if !format.isStandard, let (text, _) = format.text(value, field: f) {
                try writer.write(text)
                continue
            }
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
    /// What precedes each field's value (`,"customer":{"id":`): its key, after the objects it opens and
    /// the comma before it; and what follows it (the objects it is the last member of, closed).
    private let before: [[UInt8]]
    private let after: [[UInt8]]
    /// Write each record's change op as a first member `"op"`.
    public let ops: Bool
    public let format: ValueFormat

    /// Fields named with dots between identifiers (`customer.id`, `customer.tier`) are written as nested objects
    /// (`"customer":{"id":…,"tier":…}`), members of one object together where its first member is — unless
    /// another field is named as the object (`customer`), which keeps the dotted names as they are.
    public init(schema: Schema, fields: [Int]? = nil, ops: Bool = false, format: ValueFormat = .standard) {
        self.ops = ops
        self.format = format
        self.schema = schema
        let chosen = fields ?? Array(0..<schema.count)
        let names = chosen.map { schema.fields[$0].name }
        let (order, paths) = JSONLinesEncoder.nesting(names)
        self.fields = order.map { chosen[$0] }
        var before: [[UInt8]] = [], after: [[UInt8]] = []
        var open: [String] = []
        for (n, k) in order.enumerated() {
            let path = paths[k]
            var shared = 0
            while shared < open.count, shared < path.count - 1, open[shared] == path[shared] { shared += 1 }
            var text = ""
            if n > 0 {
                // Close the objects the previous field was in that this one is not.
                text += String(repeating: "}", count: open.count - shared)
            }
            open.removeLast(open.count - shared)
            if n > 0 || ops { text += "," }
            for part in path.dropLast().dropFirst(shared) {
                text += JSONLinesEncoder.quoted(part) + ":{"
                open.append(part)
            }
            text += JSONLinesEncoder.quoted(path.last!) + ":"
            before.append(Array(text.utf8))
            after.append([])
        }
        if !after.isEmpty { after[after.count - 1] = Array(String(repeating: "}", count: open.count).utf8) }
        self.before = before
        self.after = after
    }

    /// The order to write `names` in (members of one object together) and each name's path: split at
    /// dots, unless a name is also a whole field's name.
    static func nesting(_ names: [String]) -> (order: [Int], paths: [[String]]) {
        let whole = Set(names)
        let paths = names.map { name -> [String] in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            // Only names made of identifiers nest (`customer.id`, not `lower(customer.email)`).
            let identifier = { (part: String) in
                part.first.map { $0 == "_" || $0.isLetter } == true && part.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
            }
            guard parts.count > 1, parts.allSatisfy(identifier) else { return [name] }
            // Nest only where no field is named as one of the objects.
            for k in 1..<parts.count where whole.contains(parts[..<k].joined(separator: ".")) { return [name] }
            return parts
        }
        // Stable grouping: each field goes right after the last one written that shares its longest prefix.
        var order: [Int] = []
        for i in paths.indices {
            var at = order.count
            var best = 0
            for (pos, j) in order.enumerated() {
                var shared = 0
                while shared < paths[i].count - 1, shared < paths[j].count - 1, paths[i][shared] == paths[j][shared] { shared += 1 }
                if shared > 0, shared >= best {
                    best = shared
                    at = pos + 1
                }
            }
            order.insert(i, at: at)
        }
        return (order, paths)
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
            try before[n].withUnsafeBytes { try writer.write($0) }
            if !format.isStandard, let (text, isString) = format.text(row[f], field: f) {
                try writer.write(isString ? JSONLinesEncoder.quoted(text) : text)
            } else {
                try JSONLinesEncoder.writeValue(row[f], to: writer)
            }
            if !after[n].isEmpty { try after[n].withUnsafeBytes { try writer.write($0) } }
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
    public let format: ValueFormat

    public init(schema: Schema, fields: [Int]? = nil, delimiter: UInt8 = UInt8(ascii: ","), ops: Bool = false, format: ValueFormat = .standard) {
        self.fields = fields ?? Array(0..<schema.count)
        self.delimiter = delimiter
        self.ops = ops
        self.format = format
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
                if !format.isStandard, let (text, _) = format.text(value, field: f) {
                    try writer.write(text)
                } else if FieldType(rawValue: value.type)?.isBytesLike == true {
                    try writer.write(UnsafeRawBufferPointer(start: value.value.ptr, count: Int(value.len)))
                } else {
                    try writer.write(FieldText.render(value))
                }
            }
        }
        try writer.write(byte: 0x0A)
    }
}
