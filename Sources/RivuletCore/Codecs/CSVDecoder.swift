// CSVDecoder: decodes RFC 4180 CSV lines into typed fields, by header name or by position.
import CRivulet

/// Decodes CSV lines into records of `schema`. Cells may be quoted (`"a ""b"", c"`); a cell maps to the
/// schema field of the same header name, or by position when the input has no header.
public struct CSVDecoder: RecordDecoder {
    public let schema: Schema
    public let delimiter: UInt8
    /// For each CSV column, the schema field it fills, or -1 to ignore the column.
    public let columnToField: [Int]
    public let keyField: Int?

    /// Positional decoding: column i is field i.
    public init(schema: Schema, delimiter: UInt8 = UInt8(ascii: ","), keyField: Int? = nil) {
        self.schema = schema
        self.delimiter = delimiter
        self.columnToField = Array(0..<schema.count)
        self.keyField = keyField
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
        var failure: DecodeFailure? = nil
        var columns = 0
        var scratch: [UInt8] = []
        CSVDecoder.forEachCell(line, delimiter: delimiter, scratch: &scratch) { column, cell in
            columns = column + 1
            guard column < columnToField.count else { return true }
            let field = columnToField[column]
            guard field >= 0 else { return true }
            let type = schema.fields[field].type
            if type.isBytesLike {
                batch.setBytesField(index, field, type: type, cell.baseAddress, count: cell.count)
            } else {
                do {
                    batch.setField(index, field, try FieldText.parse(cell, as: type))
                } catch {
                    failure = DecodeFailure("field '\(schema.fields[field].name)': \((error as? FieldText.ParseFailure)?.message ?? "\(error)")")
                    return false
                }
            }
            return true
        }
        if failure == nil && columns < columnToField.count && !(line.isEmpty && columnToField.count == 1) {
            failure = DecodeFailure("expected \(columnToField.count) columns, found \(columns)")
        }
        if let failure {
            batch.removeLast()
            throw failure
        }
        if let keyField { batch.setKey(index, fromField: keyField) }
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
