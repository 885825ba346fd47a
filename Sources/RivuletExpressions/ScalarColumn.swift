// ScalarColumn: any node evaluated record by record inside the batch loop (functions, case).
import CRivulet
import RivuletCore

/// Any node, record by record through its scalar evaluation (functions, `case`).
final class ScalarColumn: ColumnNode {
    let evaluate: Evaluate
    init(_ evaluate: @escaping Evaluate, type: FieldType) {
        self.evaluate = evaluate
        super.init(type: type)
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        for k in 0..<rows.count {
            do {
                out[k] = try evaluate(c.records + Int(rows[k]), c.scratch)
            } catch {
                c.fail(rows[k], error.reason)
                out[k] = nullField
            }
        }
    }
}
