// ComparisonColumn: == != < <= > >= over a batch, with a loop of its own for an integer field against a literal.
import CRivulet
import RivuletCore

final class ComparisonColumn: BinaryColumn {
    enum Op { case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual }
    let op: Op
    /// Both operands are integers or timestamps (compared as Int64 without a type test per row).
    let integers: Bool
    init(_ op: Op, _ left: ColumnNode, _ right: ColumnNode, integers: Bool) {
        self.op = op
        self.integers = integers
        super.init(left, right, type: .bool)
    }

    @inline(__always) static func holds(_ op: Op, _ order: Int) -> Bool {
        switch op {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        case .greaterOrEqual: order >= 0
        }
    }

    @inline(__always) static func holds(_ op: Op, _ a: Int64, _ b: Int64) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        let op = self.op, integers = self.integers
        operands(c, rows) { x, y, constant in
            if integers, let constant, constant.type != 0 {
                // The common `field <op> literal`: one loop, no operand buffer for the literal.
                let b = constant.value.i64
                for k in 0..<rows.count {
                    let a = x[k]
                    out[k] = a.type == 0 ? nullField : .bool(Self.holds(op, a.value.i64, b))
                }
                return
            }
            for k in 0..<rows.count {
                let a = x[k], b = constant ?? y![k]
                if a.type == 0 || b.type == 0 {
                    out[k] = nullField
                } else if integers {
                    out[k] = .bool(Self.holds(op, a.value.i64, b.value.i64))
                } else {
                    out[k] = .bool(Self.holds(op, compare(a, b)))
                }
            }
        }
    }
}

extension ComparisonColumn.Op {
    init(_ symbol: String) {
        switch symbol {
        case "==": self = .equal
        case "!=": self = .notEqual
        case "<": self = .less
        case "<=": self = .lessOrEqual
        case ">": self = .greater
        default: self = .greaterOrEqual
        }
    }
}
