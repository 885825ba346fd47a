// DecoderFuzzTests: seeded inputs of good CSV / JSON lines with one bad line among them, read by the real
// file source: every good record comes out, unchanged and in order; the bad line is one dead letter (or one
// record, when it happens to be valid); nothing crashes. 100k inputs per format; 1M with RIVULET_FUZZ_LONG=1.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletRuntime
import Testing

@Suite struct DecoderFuzzTests {
    static let inputsPerFormat = ProcessInfo.processInfo.environment["RIVULET_FUZZ_LONG"] == "1" ? 1_000_000 : 100_000
    static let schema = Schema([
        FieldDefinition(name: "id", type: .i64), FieldDefinition(name: "name", type: .string),
        FieldDefinition(name: "n", type: .i64),
    ])

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// A decoded record: the values compared.
    struct Values: Equatable, CustomStringConvertible {
        var id: Int64
        var name: [UInt8]
        var n: Int64
        var description: String { "(\(id), \(String(decoding: name, as: UTF8.self).debugDescription), \(n))" }
    }

    /// Collects dead letters in memory.
    final class Collector: DeadLetterSink, @unchecked Sendable {
        var raws: [[UInt8]] = []
        func deadLetter(
            node: String, reason: String, record: UnsafePointer<rv_record>?, schema: Schema,
            raw: UnsafeRawBufferPointer?
        ) throws {
            raws.append(raw.map { Array($0) } ?? [])
        }
        var count: Int { raws.count }
        func flush() throws {}
    }

    /// A good record's name: letters first (so a quoted cell never starts with a delimiter or a quote,
    /// which would make an unclosed quote before it ambiguous), then anything CSV must quote.
    static func name(_ g: inout Generator, csv: Bool) -> [UInt8] {
        let tail: [[UInt8]] =
            [[0x61], [0x62], [0x20], [0x2C], [0x22], [0xC3, 0xA9], [0x5C], [0x7B], [0x3A]]
            + (csv ? [[0x0A], [0x0D, 0x0A]] : [])
        var out: [UInt8] = [UInt8(ascii: "a") + UInt8(g.below(26))]
        for _ in 0..<g.below(12) { out += tail[g.below(tail.count)] }
        return out
    }

    static func csvLine(_ v: Values) -> [UInt8] {
        var cell = v.name
        if cell.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            cell = [0x22] + cell.flatMap { $0 == 0x22 ? [0x22, 0x22] : [$0] } + [0x22]
        }
        return Array("\(v.id),".utf8) + cell + Array(",\(v.n)".utf8)
    }

    static func jsonLine(_ v: Values) -> [UInt8] {
        let name = v.name.flatMap { b -> [UInt8] in
            switch b {
            case 0x22: return Array(#"\""#.utf8)
            case 0x5C: return Array(#"\\"#.utf8)
            default: return [b]
            }
        }
        return Array(#"{"id":\#(v.id),"name":""#.utf8) + name + Array(#"","n":\#(v.n)}"#.utf8)
    }

    /// One physical line of garbage built from the bytes that matter to the format (never a newline).
    static func badLine(_ g: inout Generator, csv: Bool) -> [UInt8] {
        let alphabet: [UInt8] =
            csv
            ? Array("\"\",,a1 -\r".utf8) + [0xFF, 0xC3]
            : Array("{}[]\":,\\ aenu0123-.tr".utf8) + [0xFF, 0x0D]
        return (0..<g.below(40)).map { _ in alphabet[g.below(alphabet.count)] }
    }

    /// Reads `bytes` through a file source; the records out and the dead letters' raw bytes.
    static func read(_ bytes: [UInt8], path: String, csv: Bool) throws -> ([Values], [[UInt8]]) {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let reader = try LineReader(path: path, csvDelimiter: csv ? UInt8(ascii: ",") : nil)
        let decoder: RecordDecoder = csv ? CSVDecoder(schema: schema) : JSONLinesDecoder(schema: schema)
        let source = TextSource(name: "fuzz", reader: reader, schema: schema, decoder: decoder)
        let collector = Collector()
        let route = DeadLetterRoute(node: "fuzz", sink: collector, errorsPort: nil, inputSchema: nil)
        var out: [Values] = []
        var more = true
        while more {
            let batch = RecordBatch(schema: schema, capacity: 64)
            more = try source.fill(batch, deadLetters: route)
            for i in 0..<batch.count {
                let view = RecordView(batch.record(at: i))
                out.append(Values(id: view.field(0).value.i64, name: Array(view.bytes(1)), n: view.field(2).value.i64))
            }
        }
        return (out, collector.raws)
    }

    @Test(arguments: ["csv", "jsonl"])
    func goodLinesAroundABadOneAlwaysComeOut(format: String) throws {
        let csv = format == "csv"
        let path = NSTemporaryDirectory() + "rivulet-fuzz-\(UUID().uuidString).\(format)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var g = Generator(state: csv ? 2026 : 1130)
        var failures = 0
        var badAsRecord = 0
        var badAsDeadLetter = 0
        // Several inputs per file (each a group of good lines around one bad line), so that 100k inputs
        // take seconds; a group's bad line can only disturb its own group's lines, which are checked.
        let inputsPerFile = 50
        for _ in 0..<(inputsPerFile > 0 ? Self.inputsPerFormat / inputsPerFile : 0) {
            var bytes: [UInt8] = []
            var expected: [[Values]] = []  // per input, the good records
            var bads: [[UInt8]] = []
            for _ in 0..<inputsPerFile {
                // Good lines around the bad one: bad lines of two inputs never touch.
                var goods: [Values] = []
                let count = 2 + g.below(4)
                let badAt = 1 + g.below(count - 1)
                var bad: [UInt8] = []
                for i in 0...count {
                    if i == badAt {
                        bad = Self.badLine(&g, csv: csv)
                        bytes += bad + [0x0A]
                    }
                    if i == count { break }
                    let v = Values(id: Int64(g.below(1_000_000)) - 500_000, name: Self.name(&g, csv: csv), n: Int64(g.below(1 << 30)))
                    goods.append(v)
                    bytes += (csv ? Self.csvLine(v) : Self.jsonLine(v)) + [0x0A]
                }
                expected.append(goods)
                bads.append(bad)
            }
            let (out, dead) = try Self.read(bytes, path: path, csv: csv)
            // Every good record, in order; between groups at most one other record (a bad line that
            // happens to be a valid record); every other bad line is exactly one dead letter.
            var i = 0
            var extra = 0
            for goods in expected {
                for v in goods {
                    while i < out.count && out[i] != v {
                        extra += 1
                        i += 1
                    }
                    if i == out.count {
                        failures += 1
                        if failures < 5 { Issue.record("good record \(v) did not come out; input:\n\(String(decoding: bytes, as: UTF8.self))") }
                        break
                    }
                    i += 1
                }
            }
            extra += out.count - i
            let nonEmpty = bads.filter { !($0.isEmpty || $0 == [0x0D]) }.count
            #expect(extra + dead.count == nonEmpty, "each bad line is one dead letter or one record")
            #expect(dead.allSatisfy { d in bads.contains(d) || bads.contains(d + [0x0D]) }, "a dead letter is exactly one bad line")
            badAsRecord += extra
            badAsDeadLetter += dead.count
            if failures >= 5 { break }
        }
        #expect(failures == 0)
        #expect(badAsDeadLetter > Self.inputsPerFormat / 2, "the bad lines are mostly really bad")
        #expect(badAsRecord > 0 || !csv, "some garbage is valid CSV")
    }
}
