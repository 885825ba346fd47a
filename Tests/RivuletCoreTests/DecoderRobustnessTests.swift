// DecoderRobustnessTests: random and truncated input never crashes a decoder, and a failed line leaves
// nothing half-appended (every line either becomes one record or throws).
import Testing

@testable import RivuletCore

@Suite struct DecoderRobustnessTests {
    let schema = Schema([
        FieldDefinition(name: "s", type: .string), FieldDefinition(name: "n", type: .i64),
        FieldDefinition(name: "d", type: .f64), FieldDefinition(name: "b", type: .bool),
    ])

    /// Lines built from the characters that matter to CSV and JSON, plus truncations of valid lines.
    func lines(count: Int, seed: UInt64) -> [[UInt8]] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array("\",{}[]:\\ -.0123456789eEtruefalsn\"snbd\\u00".utf8)
        let valid = [
            Array(#"{"s":"a\"b","n":-12,"d":1.5e3,"b":true}"#.utf8), Array("\"x,\"\"y\"\"\",7,0.25,false".utf8),
        ]
        return (0..<count).map { i in
            if i % 3 == 0 {
                let v = valid[i % 2]
                return Array(v.prefix(Int(next() % UInt64(v.count + 1))))
            }
            return (0..<Int(next() % 48)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
        }
    }

    @Test(arguments: [0, 1])
    func randomLinesNeverCrashOrLeaveHalfRecords(_ which: Int) {
        let decoder: RecordDecoder = which == 0 ? CSVDecoder(schema: schema) : JSONLinesDecoder(schema: schema)
        var decoded = 0
        var failed = 0
        let batch = RecordBatch(schema: schema, capacity: 20_000)
        for line in lines(count: 20_000, seed: 42 + UInt64(which)) {
            let before = batch.count
            do {
                try line.withUnsafeBytes { try decoder.decode($0, into: batch) }
                #expect(batch.count == before + 1)
                decoded += 1
            } catch {
                #expect(batch.count == before)
                failed += 1
            }
        }
        #expect(decoded + failed == 20_000)
        #expect(failed > 1000, "the generator really produces malformed lines")
    }
}
