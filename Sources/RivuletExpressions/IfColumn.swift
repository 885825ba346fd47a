// IfColumn: if(c, a, b) over a batch, each branch only on its rows.
import CRivulet
import RivuletCore

/// `if(c, a, b)`: each branch only on its rows.
final class IfColumn: ColumnNode {
    let condition: ColumnNode
    let then: ColumnNode
    let otherwise: ColumnNode
    private var values = FieldBuffer()
    private var picked = [RowBuffer(), RowBuffer()]
    private var positions = [RowBuffer(), RowBuffer()]

    init(_ condition: ColumnNode, _ then: ColumnNode, _ otherwise: ColumnNode, type: FieldType) {
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        super.init(type: type)
    }

    deinit {
        values.release()
        for b in picked + positions { b.release() }
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        condition.evaluate(c, rows, out)
        let rowsOf = [picked[0].reserve(rows.count), picked[1].reserve(rows.count)]
        let at = [positions[0].reserve(rows.count), positions[1].reserve(rows.count)]
        var n = [0, 0]
        for k in 0..<rows.count {
            let v = out[k]
            let side = v.type != 0 && v.value.i64 != 0 ? 0 : 1
            rowsOf[side][n[side]] = rows[k]
            at[side][n[side]] = UInt32(k)
            n[side] += 1
        }
        let y = values.reserve(rows.count)
        for (side, branch) in [then, otherwise].enumerated() where n[side] > 0 {
            branch.evaluate(c, UnsafeBufferPointer(start: rowsOf[side], count: n[side]), y)
            for j in 0..<n[side] { out[Int(at[side][j])] = y[j].converted(to: type) }
        }
    }
}
