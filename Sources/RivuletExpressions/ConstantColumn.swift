// ConstantColumn: a constant (folded) value, a batch at a time.
import CRivulet
import RivuletCore

final class ConstantColumn: ColumnNode {
    let value: rv_field
    /// Keeps a string constant's bytes alive.
    let owner: AnyObject?
    init(_ value: rv_field, type: FieldType, owner: AnyObject?) {
        self.value = value
        self.owner = owner
        super.init(type: type)
    }

    override var constant: rv_field? { value }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        let v = value
        for k in 0..<rows.count { out[k] = v }
    }
}
