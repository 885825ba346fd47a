// Span: `span(field)`: the largest minus the smallest value of a window (a Swift aggregate).
import RivuletPluginKit

/// max − min of a numeric field's non-NULL values; NULL for a window without any.
enum Span: RivuletAggregate {
    struct Accumulator: BitwiseCopyable {
        var low: Double
        var high: Double
        var seen: Bool
    }

    static let name = "span"
    static let resultKind = FieldKind.f64

    static func initial() -> Accumulator { Accumulator(low: .infinity, high: -.infinity, seen: false) }

    static func add(_ accumulator: inout Accumulator, _ value: FieldInput) throws {
        guard let x = value.double else { return }
        accumulator.low = min(accumulator.low, x)
        accumulator.high = max(accumulator.high, x)
        accumulator.seen = true
    }

    static func merge(_ accumulator: inout Accumulator, _ other: Accumulator) {
        guard other.seen else { return }
        accumulator.low = min(accumulator.low, other.low)
        accumulator.high = max(accumulator.high, other.high)
        accumulator.seen = true
    }

    static func result(_ accumulator: Accumulator) -> FieldValue {
        accumulator.seen ? .double(accumulator.high - accumulator.low) : .null
    }
}
