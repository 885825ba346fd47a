// Typed: a compiled expression node: its type, its record-by-record evaluation, its batch node, its constant.
import CRivulet
import RivuletCore

/// A compiled node: its type, its evaluation, and its value when it is a constant (folded).
struct Typed {
    let type: FieldType
    let evaluate: Evaluate
    var constant: rv_field?
    /// The same node evaluated a batch at a time (`ColumnNode` and its kinds); by default its scalar
    /// evaluation, record by record.
    var column: ColumnNode

    init(_ type: FieldType, constant: rv_field? = nil, owner: AnyObject? = nil, _ evaluate: @escaping Evaluate) {
        self.type = type
        self.evaluate = evaluate
        self.constant = constant
        column = constant.map { ConstantColumn($0, type: type, owner: owner) } ?? ScalarColumn(evaluate, type: type)
    }

    /// This node with `column` as its batch evaluation.
    func with(_ column: ColumnNode) -> Typed {
        var t = self
        t.column = column
        return t
    }

    /// A constant of `type` (a string constant's bytes are kept alive by the closure).
    static func constant(_ type: FieldType, _ value: rv_field) -> Typed { Typed(type, constant: value) { _, _ in value } }
}
