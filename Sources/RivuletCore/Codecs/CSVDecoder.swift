// CSVDecoder: decodes RFC 4180 CSV lines into typed fields, by header name or by position.
import CRivulet

/// Decodes CSV lines into records of `schema`. Cells may be quoted (`"a ""b"", c"`); a cell maps to the
/// schema field of the same header name, or by position when the input has no header.
public final class CSVDecoder: RecordDecoder {
    public let schema: Schema
    public let delimiter: UInt8
    /// For each CSV column, the schema field it fills, or -1 to ignore the column.
    public let columnToField: [Int]
    public let keyField: Int?
    /// `columnToField` with each field's type, in a raw table the per-line loop reads without ARC.
    private let columns: ColumnPlan
    /// Unquoted cell bytes.
    private let scratch = ScratchBytes()

    /// Positional decoding: column i is field i, for the first `columns` fields (default all; the others
    /// are filled by the caller: a Kafka record's key and headers).
    public init(schema: Schema, delimiter: UInt8 = UInt8(ascii: ","), keyField: Int? = nil, columns valueFields: Int? = nil) {
        self.schema = schema
        self.delimiter = delimiter
        self.columnToField = Array(0..<(valueFields ?? schema.count))
        self.keyField = keyField
        columns = ColumnPlan(columnToField, schema)
    }

    /// Decoding by header: columns are matched to fields by name; extra columns are ignored.
    /// Throws when a schema field has no column.
    public init(schema: Schema, header: [String], delimiter: UInt8 = UInt8(ascii: ","), keyField: Int? = nil)
        throws(DecodeFailure)
    {
        let missing = schema.fields.filter { !header.contains($0.name) }.map(\.name)
        if !missing.isEmpty {
            throw DecodeFailure("header has no column for field(s) \(missing.joined(separator: ", ")) (header: \(header.joined(separator: ",")))")
        }
        self.schema = schema
        self.delimiter = delimiter
        self.columnToField = header.map { schema.index(of: $0) ?? -1 }
        self.keyField = keyField
        columns = ColumnPlan(columnToField, schema)
    }

    /// Splits a header line into column names.
    public static func splitHeader(_ line: UnsafeRawBufferPointer, delimiter: UInt8) -> [String] {
        var names: [String] = []
        var scratch: [UInt8] = []
        CSVDecoder.forEachCell(line, delimiter: delimiter, scratch: &scratch) { _, cell in
            names.append(String(decoding: cell, as: UTF8.self))
            return true
        }
        return names
    }

    public func decode(_ line: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
        let index = batch.appendEmpty()
        let row = batch.mutableRow(index)
        let plan = columns.plan
        let planned = columns.count
        let quote = UInt8(ascii: "\"")
        let n = line.count
        var i = 0
        var column = 0
        // One pass over the line, cell by cell, without closures (the hot path of every CSV source).
        while true {
            var cell: UnsafeRawBufferPointer
            if i < n && line[i] == quote {
                do { cell = try unquote(line, &i, column: column) } catch {
                    batch.removeLast()
                    throw error
                }
            } else {
                let cellStart = i
                while i < n && line[i] != delimiter { i &+= 1 }
                cell = UnsafeRawBufferPointer(rebasing: line[cellStart..<i])
            }
            if column < planned {
                let target = plan[column]
                if target.field >= 0 {
                    if target.type == .i64 || target.type == .timestamp, !cell.isEmpty, let v = FieldText.parseInt(cell) {
                        // The common case, inline: an integer cell (anything else takes the general path,
                        // which also words the error).
                        var f = rv_field()
                        f.type = target.type.rawValue
                        f.value.i64 = v
                        row[target.field] = f
                    } else if target.type.isBytesLike {
                        var f = rv_field()
                        f.type = target.type.rawValue
                        f.len = UInt32(cell.count)
                        f.value.ptr = batch.copyBytes(cell.baseAddress, count: cell.count)
                        row[target.field] = f
                    } else {
                        do {
                            row[target.field] = try FieldText.parse(cell, as: target.type)
                        } catch {
                            batch.removeLast()
                            throw DecodeFailure("field '\(schema.fields[target.field].name)': \(error.message)")
                        }
                    }
                }
            }
            column += 1
            if i >= n { break }
            i &+= 1  // the delimiter
        }
        if column != planned && !(line.isEmpty && planned == 1) {
            batch.removeLast()
            throw DecodeFailure("expected \(planned) columns, found \(column)")
        }
        if let keyField { batch.setKey(index, fromField: keyField) }
    }

    /// Reads the quoted cell starting at `line[i]` into `scratch` (unescaping doubled quotes), moves `i`
    /// to the delimiter or end after it, and returns the unquoted bytes (valid until the next call).
    /// Throws (the caller's record is removed) when the quote is not closed, or when anything but the
    /// delimiter follows the closing quote: nothing of the line is dropped or altered silently.
    private func unquote(_ line: UnsafeRawBufferPointer, _ i: inout Int, column: Int) throws(DecodeFailure) -> UnsafeRawBufferPointer {
        let quote = UInt8(ascii: "\"")
        let n = line.count
        let opened = i
        var out = 0
        var closed = false
        i += 1
        while i < n {
            if line[i] == quote {
                if i + 1 < n && line[i + 1] == quote {
                    scratch.append(quote, at: out)
                    out += 1
                    i += 2
                    continue
                }
                i += 1
                closed = true
                break
            }
            scratch.append(line[i], at: out)
            out += 1
            i += 1
        }
        guard closed else {
            throw DecodeFailure("column \(column + 1): the quote at byte \(opened + 1) is not closed")
        }
        if i < n && line[i] != delimiter {
            throw DecodeFailure("column \(column + 1): unexpected text after the closing quote at byte \(i) (a quoted cell ends at a delimiter)")
        }
        return UnsafeRawBufferPointer(start: scratch.bytes, count: out)
    }

    /// Calls `body(column, cell)` for each cell; quoted cells are unescaped into `scratch`. Stops early when
    /// `body` returns false.
    static func forEachCell(
        _ line: UnsafeRawBufferPointer, delimiter: UInt8, scratch: inout [UInt8],
        _ body: (Int, UnsafeRawBufferPointer) -> Bool
    ) {
        let quote = UInt8(ascii: "\"")
        var i = 0
        var column = 0
        let n = line.count
        while true {
            if i < n && line[i] == quote {
                scratch.removeAll(keepingCapacity: true)
                i += 1
                while i < n {
                    if line[i] == quote {
                        if i + 1 < n && line[i + 1] == quote {
                            scratch.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    scratch.append(line[i])
                    i += 1
                }
                while i < n && line[i] != delimiter { i += 1 }
                let keepGoing = scratch.withUnsafeBytes { body(column, $0) }
                if !keepGoing { return }
            } else {
                let cellStart = i
                while i < n && line[i] != delimiter { i += 1 }
                let cell = UnsafeRawBufferPointer(rebasing: line[cellStart..<i])
                if !body(column, cell) { return }
            }
            column += 1
            if i >= n { return }
            i += 1  // the delimiter
        }
    }
}
