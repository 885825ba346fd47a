// LogicColumn: and / or over a batch, the right operand only on the rows the left leaves undecided.
import CRivulet
import RivuletCore

/// `and` / `or`: the right operand only on the rows the left one leaves undecided.
final class LogicColumn: ColumnNode {
    let isAnd: Bool
    let left: ColumnNode
    let right: ColumnNode
    private var b = FieldBuffer()
    private var undecided = RowBuffer()
    private var positions = RowBuffer()

    init(isAnd: Bool, _ left: ColumnNode, _ right: ColumnNode) {
        self.isAnd = isAnd
        self.left = left
        self.right = right
        super.init(type: .bool)
    }

    deinit {
        b.release()
        undecided.release()
        positions.release()
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        left.evaluate(c, rows, out)
        let sub = undecided.reserve(rows.count), at = positions.reserve(rows.count)
        var n = 0
        for k in 0..<rows.count {
            let a = out[k]
            // Decided: false for and, true for or.
            if a.type != 0 && (a.value.i64 != 0) != isAnd { continue }
            sub[n] = rows[k]
            at[n] = UInt32(k)
            n += 1
        }
        guard n > 0 else { return }
        let y = b.reserve(n)
        right.evaluate(c, UnsafeBufferPointer(start: sub, count: n), y)
        for j in 0..<n {
            let k = Int(at[j]), a = out[k], v = y[j]
            if v.type != 0 && (v.value.i64 != 0) != isAnd {
                out[k] = v
            } else if a.type == 0 || v.type == 0 {
                out[k] = nullField
            } else {
                out[k] = .bool(isAnd)
            }
        }
    }
}
