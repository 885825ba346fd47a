// AddStep: how the window operator folds a record into one aggregate, as a plain value for the hot loop.
import RivuletCore

/// One aggregate's `add`, pre-resolved: count and integer sums are done inline by the operator (the
/// benchmark's job); everything else calls the aggregate. Inline steps must keep the accumulator layout
/// of the aggregate they stand for (CountAggregate: one Int64; SumAggregate: sum, then non-NULL count).
enum AddStep {
    case count(offset: Int)
    case sumInteger(field: Int, offset: Int)
    case generic(index: Int, offset: Int)

    init(_ aggregate: WindowAggregate, index: Int, offset: Int) {
        if aggregate is CountAggregate {
            self = .count(offset: offset)
        } else if let sum = aggregate as? SumAggregate, sum.integer, sum.countsBooleans == false {
            self = .sumInteger(field: sum.field, offset: offset)
        } else {
            self = .generic(index: index, offset: offset)
        }
    }
}
