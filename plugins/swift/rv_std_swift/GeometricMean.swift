// GeometricMean: `geomean(field)`: the geometric mean of a window's positive values (a Swift aggregate).
import Foundation
import RivuletPluginKit

/// exp(mean(log x)) over the positive values of a numeric field; zero, negative and NULL values are
/// skipped; NULL for a window without any. Growth rates, ratios, latencies across orders of magnitude.
enum GeometricMean: RivuletAggregate {
    struct Accumulator: BitwiseCopyable {
        var sumOfLogs: Double
        var count: Int64
    }

    static let name = "geomean"
    static let summary = "geometric mean of the positive values of a numeric field"
    static let resultKind = FieldKind.f64

    static func initial() -> Accumulator { Accumulator(sumOfLogs: 0, count: 0) }

    static func add(_ accumulator: inout Accumulator, _ value: AggregateInput) throws {
        guard let x = value.double, x > 0 else { return }
        accumulator.sumOfLogs += log(x)
        accumulator.count += 1
    }

    static func merge(_ accumulator: inout Accumulator, _ other: Accumulator) {
        accumulator.sumOfLogs += other.sumOfLogs
        accumulator.count += other.count
    }

    static func result(_ accumulator: Accumulator) -> FieldValue {
        accumulator.count == 0 ? .null : .double(exp(accumulator.sumOfLogs / Double(accumulator.count)))
    }
}
