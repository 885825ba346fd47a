// ColumnNode: an expression node evaluated a batch at a time, over a selection of rows.
import CRivulet
import RivuletCore

/// One node of an expression, evaluated over a selection of rows: `out[k]` is its value for record
/// `rows[k]`. Nodes keep their own buffers (grown to the largest selection), so a batch allocates nothing
/// once the buffers have grown. Conditional nodes (`and`, `or`, `if`, `coalesce`) evaluate a branch only
/// on the rows that reach it, as the record-at-a-time evaluation does: a branch not taken cannot fail.
class ColumnNode {
    let type: FieldType

    init(type: FieldType) {
        self.type = type
    }

    func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        fatalError("abstract")
    }

    /// The value when the node is a constant (its parent reads it instead of a buffer).
    var constant: rv_field? { nil }
}
