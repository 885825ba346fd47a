// InputIntegrityTests: malformed input never swallows good records, and nothing is altered silently
// (stray and unclosed CSV quotes, extra cells, bytes that are not UTF-8), through real topologies.
import Foundation
import RivuletManifest
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct InputIntegrityTests {
    static let header = "payment_id,ts,card,amount,currency,merchant\n"

    /// card-payments' source straight into a CSV sink, dead letters to a file.
    func passThrough(header: Bool = true, format: String = "csv") -> String {
        """
        sources:
          payments:
            type: file
            path: payments.csv
            header: \(header)
            schema: { payment_id: string, ts: timestamp, card: string, amount: f64, currency: string, merchant: string }
        sinks:
          out: { type: file, path: out.\(format), format: \(format) }
        edges:
          - payments -> out
        dead_letters: { type: file, path: dead.jsonl }
        """
    }

    @Test(arguments: [true, false])
    func aStrayQuoteInsideACellIsAnOrdinaryCharacter(header: Bool) throws {
        let t = TopologyRunner()
        t.write(
            "payments.csv",
            (header ? Self.header : "") + """
                p-1,1,4111,12.5,EUR,Bob"s Diner
                p-2,2,4222,13.5,EUR,Alice's
                p-3,3,4333,14.5,EUR,"Quoted, with comma"

                """)
        let summary = try t.run(passThrough(header: header))
        #expect(
            t.read("out.csv") == """
                payment_id,ts,card,amount,currency,merchant
                p-1,1,4111,12.5,EUR,"Bob""s Diner"
                p-2,2,4222,13.5,EUR,Alice's
                p-3,3,4333,14.5,EUR,"Quoted, with comma"

                """)
        #expect(summary.recordsOut == 3)
        #expect(summary.deadLetters == 0)
    }

    @Test(arguments: [true, false])
    func anUnclosedQuoteDeadLettersItsLineAndReadingResumesOnTheNext(header: Bool) throws {
        let t = TopologyRunner()
        t.write(
            "payments.csv",
            (header ? Self.header : "") + """
                p-1,1,4111,12.5,EUR,"Bob's Diner
                p-2,2,4222,13.5,EUR,Alice's
                p-3,3,4333,14.5,EUR,"multi
                line"
                p-4,4,4444,15.5,EUR,"never closed

                """)
        let summary = try t.run(passThrough(header: header))
        #expect(
            t.read("out.csv") == """
                payment_id,ts,card,amount,currency,merchant
                p-2,2,4222,13.5,EUR,Alice's
                p-3,3,4333,14.5,EUR,"multi
                line"

                """)
        let first = header ? 2 : 1
        #expect(
            t.read("dead.jsonl") == """
                {"node":"payments","reason":"payments.csv:\(first): a quoted cell opened on this line is not closed (a later quote is followed by neither a delimiter nor the line end); reading resumes on the next line","raw":"p-1,1,4111,12.5,EUR,\\"Bob's Diner"}
                {"node":"payments","reason":"payments.csv:\(first + 4): a quoted cell opened on this line is not closed before the end of the input; reading resumes on the next line","raw":"p-4,4,4444,15.5,EUR,\\"never closed"}

                """)
        #expect(summary.deadLetters == 2)
    }

    @Test func aMultiLineRecordThatDoesNotDecodeGivesUpOnlyItsFirstLine() throws {
        let t = TopologyRunner()
        // Line 2's quote is closed by the stray quote of line 4 ("12\","): one record of lines 2–4 with 7
        // cells. Only line 2 is dead-lettered; lines 3 and 4 are read again.
        t.write(
            "payments.csv",
            Self.header + """
                p-1,1,4111,12.5,EUR,"Bob's Diner
                p-2,2,4222,13.5,EUR,ok
                p-3,3,4333,14.5,EUR,12",x
                p-4,4,4444,15.5,EUR,fine

                """)
        let summary = try t.run(passThrough())
        #expect(
            t.read("out.csv") == """
                payment_id,ts,card,amount,currency,merchant
                p-2,2,4222,13.5,EUR,ok
                p-4,4,4444,15.5,EUR,fine

                """)
        #expect(summary.deadLetters == 2)
        #expect(
            t.read("dead.jsonl") == """
                {"node":"payments","reason":"payments.csv:2: expected 6 columns, found 7 (in a record spanning lines 2–4; only its first line is dead-lettered, reading resumes on the next line)","raw":"p-1,1,4111,12.5,EUR,\\"Bob's Diner"}
                {"node":"payments","reason":"payments.csv:4: expected 6 columns, found 7","raw":"p-3,3,4333,14.5,EUR,12\\",x"}

                """)
    }

    @Test func aQuoteOpenForMoreThanTheLineLimitIsCut() throws {
        let t = TopologyRunner()
        var text = Self.header + "p-0,0,4000,1.0,EUR,\"opens here\n"
        for i in 1...1_500 { text += "p-\(i),\(i),4000,1.0,EUR,m\(i)\n" }
        t.write("payments.csv", text)
        let summary = try t.run(passThrough())
        #expect(summary.recordsOut == 1_500, "every line after the unclosed quote is a record")
        #expect(summary.deadLetters == 1)
        #expect(
            t.read("dead.jsonl").contains(
                "payments.csv:2: a quoted cell opened on this line is not closed within 1000 lines or 1048576 bytes; reading resumes on the next line"
            ))
        #expect(t.read("out.csv").hasSuffix("p-1500,1500,4000,1.0,EUR,m1500\n"))
    }

    @Test func textAfterAClosingQuoteAndExtraCellsAreDeadLettered() throws {
        let t = TopologyRunner()
        t.write(
            "payments.csv",
            Self.header + """
                p-1,1,4111,12.5,EUR,"Bob"s Diner
                p-2,2,4222,13.5,EUR,ok,extra
                p-3,3,4333,14.5,EUR,fine

                """)
        for header in [true, false] {
            if !header { t.write("payments.csv", String(t.read("payments.csv").dropFirst(Self.header.count))) }
            let summary = try t.run(passThrough(header: header))
            #expect(t.read("out.csv").hasSuffix("p-3,3,4333,14.5,EUR,fine\n"))
            #expect(summary.recordsOut == 1)
            let dead = t.read("dead.jsonl").split(separator: "\n")
            #expect(dead.count == 2)
            #expect(dead[0].contains("column 6: unexpected text after the closing quote"))
            #expect(dead[1].contains("expected 6 columns, found 7"))
            try FileManager.default.removeItem(atPath: t.path("dead.jsonl"))
        }
    }

    @Test func bytesThatAreNotUTF8PassUnchangedAndDeadLettersKeepThemInBase64() throws {
        let t = TopologyRunner()
        let badLine = Array("p-2,x,4222,13.5,EUR,bad".utf8) + [0xFF, 0xFE]  // ts is not a number
        var bytes = Array(Self.header.utf8)
        bytes += Array("p-1,1,4111,12.5,EUR,caf".utf8) + [0xE9] + Array("\n".utf8)  // Latin-1 é
        bytes += badLine + Array("\n".utf8)
        FileManager.default.createFile(atPath: t.path("payments.csv"), contents: Data(bytes))
        _ = try t.run(passThrough(format: "jsonl"))
        let out = try Data(contentsOf: URL(fileURLWithPath: t.path("out.jsonl")))
        #expect(
            Array(out) == Array(#"{"payment_id":"p-1","ts":1,"card":"4111","amount":12.5,"currency":"EUR","merchant":"caf"#.utf8)
                + [0xE9] + Array("\"}\n".utf8))
        let dead = t.read("dead.jsonl")
        #expect(dead.contains(#""raw_base64":"\#(Data(badLine).base64EncodedString())""#))
    }
}
