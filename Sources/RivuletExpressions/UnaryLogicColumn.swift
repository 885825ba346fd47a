// UnaryLogicColumn: not, is null and is not null over a batch.
import CRivulet
import RivuletCore

/// `not x` and `x is [not] null`.
final class UnaryLogicColumn: ColumnNode {
    let operand: ColumnNode
    /// nil: `not`; true/false: `is null` / `is not null`.
    let isNull: Bool?
    init(_ operand: ColumnNode, isNull: Bool?) {
        self.operand = operand
        self.isNull = isNull
        super.init(type: .bool)
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        operand.evaluate(c, rows, out)
        for k in 0..<rows.count {
            let v = out[k]
            if let isNull {
                out[k] = .bool((v.type == 0) == isNull)
            } else {
                out[k] = v.type == 0 ? nullField : .bool(v.value.i64 == 0)
            }
        }
    }
}
