// CodecTests: CSV and JSON lines decoding into typed fields, encoding back, and precise decode errors.
import CRivulet
import Foundation
import Testing

@testable import RivuletCore

@Suite struct CodecTests {
    let schema = Schema([
        FieldDefinition(name: "card", type: .string), FieldDefinition(name: "amount", type: .f64),
        FieldDefinition(name: "n", type: .i64), FieldDefinition(name: "ok", type: .bool),
    ])

    func decode(_ decoder: RecordDecoder, _ line: String, into batch: RecordBatch) throws {
        var l = line
        try l.withUTF8 { try decoder.decode(UnsafeRawBufferPointer($0), into: batch) }
    }

    func encode(_ encoder: RecordEncoder, _ batch: RecordBatch) throws -> String {
        let path = temporaryPath()
        do {
            let writer = try ByteWriter(path: path)
            try encoder.writeHeader(to: writer)
            for i in 0..<batch.count { try encoder.encode(batch.record(at: i), to: writer) }
            try writer.flush()
        }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func csvByHeaderWithQuotesRoundTrips() throws {
        let decoder = try CSVDecoder(schema: schema, header: ["n", "card", "extra", "amount", "ok"], keyField: 0)
        let batch = RecordBatch(schema: schema, capacity: 8)
        try decode(decoder, "7,\"4111, \"\"x\"\"\",ignored,12.5,true", into: batch)
        try decode(decoder, "-3,5500,,,false", into: batch)
        let r = RecordView(batch.record(at: 0))
        #expect(r.text(0) == "4111, \"x\"")
        #expect(r.field(1).value.f64 == 12.5)
        #expect(r.field(2).value.i64 == 7)
        #expect(r.field(3).value.i64 == 1)
        #expect(String(decoding: r.key, as: UTF8.self) == "4111, \"x\"")
        #expect(RecordView(batch.record(at: 1)).field(1).type == FieldType.null.rawValue)
        let csv = try encode(CSVEncoder(schema: schema), batch)
        #expect(csv == "card,amount,n,ok\n\"4111, \"\"x\"\"\",12.5,7,true\n5500,,-3,false\n")
    }

    @Test func csvErrorsNameTheField() throws {
        let decoder = CSVDecoder(schema: schema)
        let batch = RecordBatch(schema: schema, capacity: 4)
        #expect(throws: DecodeFailure.self) { try decode(decoder, "4111,abc,1,true", into: batch) }
        do { try decode(decoder, "4111,abc,1,true", into: batch) } catch {
            #expect("\(error)" == "field 'amount': 'abc' is not a valid f64")
        }
        do { try decode(decoder, "4111,1.5", into: batch) } catch {
            #expect("\(error)" == "expected 4 columns, found 2")
        }
        #expect(batch.count == 0, "a failed line leaves no record behind")
    }

    /// A `timestamp` field reads epoch milliseconds or an RFC 3339 date-time (held as epoch ms), in CSV and
    /// JSON lines; anything else is refused, naming both forms.
    @Test func timestampFieldsReadEpochMillisecondsOrRFC3339() throws {
        let schema = Schema([FieldDefinition(name: "ts", type: .timestamp), FieldDefinition(name: "v", type: .i64)])
        let batch = RecordBatch(schema: schema, capacity: 8)
        try decode(CSVDecoder(schema: schema), "1767225600000,1", into: batch)
        try decode(CSVDecoder(schema: schema), "2026-01-01T00:00:05Z,2", into: batch)
        try decode(JSONLinesDecoder(schema: schema), #"{"ts": "2026-01-01T01:00:00.250+01:00", "v": 3}"#, into: batch)
        try decode(JSONLinesDecoder(schema: schema), #"{"ts": 1767225600001, "v": 4}"#, into: batch)
        #expect(
            (0..<4).map { RecordView(batch.record(at: $0)).field(0).value.i64 } == [
                1_767_225_600_000, 1_767_225_605_000, 1_767_225_600_250, 1_767_225_600_001,
            ])
        #expect((0..<4).allSatisfy { RecordView(batch.record(at: $0)).field(0).type == FieldType.timestamp.rawValue })
        do {
            try decode(CSVDecoder(schema: schema), "yesterday,5", into: batch)
            Issue.record("a timestamp that is neither form was accepted")
        } catch {
            #expect(
                "\(error)"
                    == "field 'ts': 'yesterday' is not a valid timestamp (epoch milliseconds, or an RFC 3339 date-time such as 2026-03-01T09:00:05Z)")
        }
    }

    /// Valid JSON of another kind in a number field names the field and the kind (before: "invalid JSON
    /// at column …: expected '}'", as if the line were broken).
    @Test(arguments: [("true", "true"), ("false", "false"), (#"{"a": 1}"#, "an object"), ("[1, 2]", "an array")])
    func jsonValuesOfAnotherKindInANumberFieldAreNamed(value: String, kind: String) throws {
        let batch = RecordBatch(schema: schema, capacity: 4)
        do {
            try decode(JSONLinesDecoder(schema: schema), "{\"card\": \"c\", \"amount\": \(value)}", into: batch)
            Issue.record("\(value) was decoded into a number field")
        } catch {
            #expect("\(error)" == "field 'amount': expected a number, got \(kind)")
        }
    }

    @Test func csvHeaderMissingAFieldIsRefused() {
        #expect(throws: DecodeFailure.self) { try CSVDecoder(schema: schema, header: ["card", "amount"]) }
    }

    @Test func jsonLinesDecodeAndEncode() throws {
        let decoder = JSONLinesDecoder(schema: schema)
        let batch = RecordBatch(schema: schema, capacity: 4)
        try decode(decoder, #"{"amount": 3, "card":"a\"b\u00e9", "nested":{"x":[1,2]}, "n":null, "ok":false}"#, into: batch)
        let json = try encode(JSONLinesEncoder(schema: schema), batch)
        #expect(json == "{\"card\":\"a\\\"bé\",\"amount\":3.0,\"n\":null,\"ok\":false}\n")
        do { try decode(decoder, #"{"card": 5}"#, into: batch) } catch {
            #expect("\(error)" == "field 'card': expected a string")
        }
        do { try decode(decoder, #"{"card": "x"} trailing"#, into: batch) } catch {
            #expect("\(error)" == "invalid JSON at column 15: trailing characters")
        }
    }

    @Test func lineReaderSplitsLinesAndKeepsQuotedNewlines() throws {
        let path = temporaryPath()
        try "a,\"multi\nline\"\r\nsecond\nlast".write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try LineReader(path: path, csvDelimiter: UInt8(ascii: ","), bufferSize: 4)
        var lines: [String] = []
        while let line = try reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["a,\"multi\nline\"", "second", "last"])
        #expect(reader.lineNumber == 4, "the physical line where the last record starts")
    }
}

/// A fresh temporary file path.
func temporaryPath() -> String {
    NSTemporaryDirectory() + "rivulet-codec-\(UUID().uuidString)"
}

@Suite struct IntegerParsingTests {
    func parse(_ text: String) -> Int64? {
        var t = text
        return t.withUTF8 { FieldText.parseInt(UnsafeRawBufferPointer($0)) }
    }

    @Test func integersOfEveryLength() {
        var value: Int64 = 0
        for digit in 1...18 {
            value = value * 10 + Int64(digit % 10)
            #expect(parse(String(value)) == value)
            #expect(parse("-" + String(value)) == -value)
        }
        #expect(parse("1704067200000") == 1_704_067_200_000)
        #expect(parse("9223372036854775807") == Int64.max)
        #expect(parse("-9223372036854775808") == Int64.min)
        #expect(parse("9223372036854775808") == nil)
        #expect(parse("12345678") == 12_345_678)
        #expect(parse("1234567/") == nil)
        #expect(parse("123456:8") == nil)
        #expect(parse("12 45678") == nil)
        #expect(parse("00000000") == 0)
        #expect(parse("99999999") == 99_999_999)
        #expect(parse("") == nil)
        #expect(parse("-") == nil)
    }
}

/// Files that change while they are read: the reader refuses to hand out torn or mixed lines.
@Suite struct ChangingInputTests {
    func lines(_ count: Int, from first: Int = 0) -> String {
        (first..<first + count).map { "k\($0),\($0 * 1000 + 1)\n" }.joined()
    }

    @Test func aFileTruncatedWhileReadFailsInsteadOfTearingItsLastLine() throws {
        let path = temporaryPath()
        try lines(2_000).write(toFile: path, atomically: false, encoding: .utf8)
        let reader = try LineReader(path: path, displayName: "in.csv", csvDelimiter: UInt8(ascii: ","), bufferSize: 4096)
        var read = 0
        while read < 10, try reader.next() != nil { read += 1 }
        // Truncate in the middle of a line, far before what the reader has buffered.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 1_003)
        try handle.close()
        var failure: InputChanged?
        do {
            while try reader.next() != nil { read += 1 }
        } catch let error as InputChanged {
            failure = error
        }
        let error = try #require(failure, "truncation must be reported, not read as end of input")
        #expect(error.replaced == false)
        #expect(error.sizeNow == 1_003)
        #expect(error.description.hasPrefix("in.csv: the input shrank from at least \(lines(2_000).utf8.count) to 1003 bytes"))
        #expect(read < 2_000)
    }

    @Test func aFileCutAheadOfTheReaderFailsAtItsEndInsteadOfPassingATornLine() throws {
        let path = temporaryPath()
        try lines(2_000).write(toFile: path, atomically: false, encoding: .utf8)
        let reader = try LineReader(path: path, csvDelimiter: UInt8(ascii: ","), bufferSize: 4096)
        #expect(try reader.next() != nil)
        // Cut far ahead of what was read, inside a line: "k1500,1500001" becomes "k1500,15".
        let text = lines(2_000)
        let cut = text.range(of: "k1500,1500001\n")!.lowerBound.utf16Offset(in: text) + 8
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(cut))
        try handle.close()
        var last = ""
        let error = #expect(throws: InputChanged.self) {
            while let line = try reader.next() { last = String(decoding: line, as: UTF8.self) }
        }
        #expect(last == "k1499,1499001", "the torn line is never handed out")
        #expect(error?.description.contains("shrank from at least") == true)
    }

    @Test func aFileRewrittenInPlaceFailsEvenWithoutAShrink() throws {
        let path = temporaryPath()
        let text = lines(2_000)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let reader = try LineReader(path: path, bufferSize: 4096)
        #expect(try reader.next() == nil ? false : true)
        // Same size, other bytes (as `cp other in.csv` leaves it once the copy is done).
        try text.replacingOccurrences(of: "k", with: "j").write(toFile: path, atomically: false, encoding: .utf8)
        let error = #expect(throws: InputChanged.self) { while try reader.next() != nil {} }
        #expect(error?.rewritten == true)
        #expect(error?.description.contains("was rewritten in place while it was read") == true)
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstLine() throws {
        let path = temporaryPath()
        FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF] + Array("id,name\n1,a\n".utf8)))
        let reader = try LineReader(path: path, csvDelimiter: UInt8(ascii: ","))
        #expect(try reader.next().map { String(decoding: $0, as: UTF8.self) } == "id,name")
        #expect(try reader.next().map { String(decoding: $0, as: UTF8.self) } == "1,a")
    }

    @Test func aFileReplacedWhileReadFailsAtItsEnd() throws {
        let path = temporaryPath()
        try lines(100).write(toFile: path, atomically: false, encoding: .utf8)
        let reader = try LineReader(path: path, csvDelimiter: UInt8(ascii: ","), bufferSize: 64)
        #expect(try reader.next() != nil)
        try lines(5, from: 500).write(toFile: path, atomically: true, encoding: .utf8)  // rename over it
        #expect(throws: InputChanged.self) { while try reader.next() != nil {} }
    }

    @Test func aFileThatOnlyGrowsIsReadToItsEnd() throws {
        let path = temporaryPath()
        try lines(100).write(toFile: path, atomically: false, encoding: .utf8)
        let reader = try LineReader(path: path, bufferSize: 64)
        var read = 0
        while read < 5, try reader.next() != nil { read += 1 }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines(50, from: 100).utf8))
        try handle.close()
        while try reader.next() != nil { read += 1 }
        #expect(read == 150)
        #expect(reader.lineNumber == 150)
    }

    @Test func lineNumbersArePhysicalLinesWhereARecordStarts() throws {
        let path = temporaryPath()
        try "a,\"x\ny\nz\"\nb,2\nc,\"open\nd,4\n".write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try LineReader(path: path, csvDelimiter: UInt8(ascii: ","), bufferSize: 3)
        var seen: [(String, Int, Bool)] = []
        while let line = try reader.next() {
            seen.append((String(decoding: line, as: UTF8.self), reader.lineNumber, reader.unclosedQuote != nil))
        }
        #expect(seen.map(\.0) == ["a,\"x\ny\nz\"", "b,2", "c,\"open", "d,4"])
        #expect(seen.map(\.1) == [1, 4, 5, 6])
        #expect(seen.map(\.2) == [false, false, true, false])
    }
}
