// BinaryColumn: a node with two operands, the right one evaluated only where the left is not NULL.
import CRivulet
import RivuletCore

/// A node with two operands evaluated into its buffers (a constant operand is read, not evaluated).
class BinaryColumn: ColumnNode {
    let left: ColumnNode
    let right: ColumnNode
    private var a = FieldBuffer()
    private var b = FieldBuffer()
    private var live = RowBuffer()
    private var positions = RowBuffer()

    init(_ left: ColumnNode, _ right: ColumnNode, type: FieldType) {
        self.left = left
        self.right = right
        super.init(type: type)
    }

    deinit {
        a.release()
        b.release()
        live.release()
        positions.release()
    }

    /// Both operands' values for `rows`, then `body` for all of them. The right operand is evaluated only
    /// on the rows whose left value is not NULL (their result is NULL whatever it is, and the
    /// record-by-record evaluation never evaluates it: it cannot fail there).
    @inline(__always)
    final func operands(
        _ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>,
        _ body: (UnsafeMutablePointer<rv_field>, UnsafeMutablePointer<rv_field>?, rv_field?) -> Void
    ) {
        let x = a.reserve(rows.count)
        left.evaluate(c, rows, x)
        if let constant = right.constant {
            body(x, nil, constant)
            return
        }
        let y = b.reserve(rows.count)
        var nulls = 0
        for k in 0..<rows.count where x[k].type == 0 { nulls += 1 }
        if nulls == 0 {
            right.evaluate(c, rows, y)
        } else {
            // Evaluate the right side on the other rows, then spread their values back (NULL elsewhere).
            let sub = live.reserve(rows.count), at = positions.reserve(rows.count)
            var n = 0
            for k in 0..<rows.count where x[k].type != 0 {
                sub[n] = rows[k]
                at[n] = UInt32(k)
                n += 1
            }
            if n > 0 { right.evaluate(c, UnsafeBufferPointer(start: sub, count: n), y) }
            for j in stride(from: n - 1, through: 0, by: -1) { y[Int(at[j])] = y[j] }
            for k in 0..<rows.count where x[k].type == 0 { y[k] = nullField }
        }
        body(x, y, nil)
    }
}
