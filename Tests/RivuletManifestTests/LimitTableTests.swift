// LimitTableTests: the one table of limits — its bounds, its wording, and docs/MANIFEST.md printing exactly it.
import Foundation
import Testing

@testable import RivuletManifest

@Suite struct LimitTableTests {
    /// The rows of the table under "## Limits" in docs/MANIFEST.md.
    static let documentedRows: [String] = {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/MANIFEST.md")
        let text = (try? String(contentsOf: docs, encoding: .utf8)) ?? ""
        guard let start = text.range(of: "\n## Limits\n") else { return [] }
        let section = text[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        return section[..<end].split(separator: "\n").filter { $0.hasPrefix("| `") }.map(String.init)
    }()

    @Test func docsListEveryLimitWithItsRangeAndNothingElse() {
        #expect(Self.documentedRows.count == Limit.allCases.count, "\(Self.documentedRows.count) rows for \(Limit.allCases.count) limits")
        for limit in Limit.allCases {
            let row = Self.documentedRows.first { row in limit.names.allSatisfy { row.contains("`\($0)`") } }
            #expect(row != nil, "no row for \(limit.names)")
            #expect(row?.contains("| \(limit.rangeText) |") == true, "\(limit.names): the docs do not say '\(limit.rangeText)': \(row ?? "")")
        }
    }

    @Test func namesAreUnique() {
        let names = Limit.allCases.flatMap(\.names)
        #expect(Set(names).count == names.count)
    }

    @Test func boundsAreInclusiveAndExact() {
        #expect(Limit.batchSize.allows(Int64(1)) && Limit.batchSize.allows(Int64(65536)))
        #expect(!Limit.batchSize.allows(Int64(0)) && !Limit.batchSize.allows(Int64(65537)) && !Limit.batchSize.allows(Int64.max))
        #expect(Limit.count.allows(Int64(0)) && Limit.count.allows(Int64(1_000_000_000_000_000)) && !Limit.count.allows(Int64(1_000_000_000_000_001)))
        #expect(Limit.seed.allows(Int64.max))
        #expect(Limit.ffiI32Literal.allows(Int64(Int32.min)) && !Limit.ffiI32Literal.allows(Int64(Int32.min) - 1))
        #expect(!Limit.percentile.allows(0.0) && Limit.percentile.allows(0.001) && Limit.percentile.allows(100.0) && !Limit.percentile.allows(100.5))
        #expect(!Limit.rate.allows(Double.nan) && !Limit.rate.allows(Double.infinity) && Limit.rate.allows(0.001))
    }

    @Test func valuesAreReadInTheirUnit() {
        #expect(Limit.windowSize.integer("5m") == 300_000)
        #expect(Limit.windowSize.integer("0") == nil)
        #expect(Limit.windowSize.integer("101y") == nil)
        #expect(Limit.lookupTimeout.integer("1h") == 3_600_000 && Limit.lookupTimeout.integer("61m") == nil)
        #expect(Limit.storeBudget.integer("1TB") == 1 << 40 && Limit.storeBudget.integer("1025GB") == nil && Limit.storeBudget.integer("0") == nil)
        #expect(Limit.batchSize.integer("1_024") == 1024 && Limit.batchSize.integer("0x400") == 1024 && Limit.batchSize.integer("1e3") == nil)
        #expect(Limit.rate.value("1e3") == 1000 && Limit.rate.value("nan") == nil && Limit.rate.value("-1") == nil)
        #expect(Limit.seed.unsigned("18446744073709551615") == .max && Limit.seed.unsigned("18446744073709551616") == nil)
        #expect(Limit.warmup.value("0") == 0 && Limit.warmup.value("86400.5") == nil)
    }

    @Test func rangesAreWrittenAsAUserWouldWriteThem() {
        #expect(Limit.batchSize.rangeText == "from 1 to 65536")
        #expect(Limit.count.rangeText == "from 0 to 1_000_000_000_000_000")
        #expect(Limit.seed.rangeText == "from 0 to 18446744073709551615")
        #expect(Limit.rate.rangeText == "from 0.001 to 1_000_000_000")
        #expect(Limit.idleTimeout.rangeText == "from 1ms to 100 years")
        #expect(Limit.lookupTimeout.rangeText == "from 1ms to 1h")
        #expect(Limit.storeBudget.rangeText == "from 1 byte to 1TB")
        #expect(Limit.percentile.rangeText == "greater than 0 and at most 100")
        #expect(Limit.documentBytes.rangeText == "at most 1MB")
        #expect(Limit.batchSize.message(got: "'0'") == "batch_size must be an integer from 1 to 65536, got '0'")
        #expect(Limit.grace.expectation == "a duration from 0 to 100 years (such as 500ms, 10s, 5m, 1h)")
    }
}
