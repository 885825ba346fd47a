// ArithmeticColumn: + - * / % over a batch, with i64 overflow and division by zero failing their records.
import CRivulet
import RivuletCore

final class ArithmeticColumn: BinaryColumn {
    enum Op { case add, subtract, multiply, divide, remainder }
    let op: Op
    init(_ op: Op, _ left: ColumnNode, _ right: ColumnNode, type: FieldType) {
        self.op = op
        super.init(left, right, type: type)
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        let op = self.op, resultType = type.rawValue
        operands(c, rows) { x, y, constant in
            for k in 0..<rows.count {
                let a = x[k], b = constant ?? y![k]
                if a.type == 0 || b.type == 0 {
                    out[k] = nullField
                    continue
                }
                if a.type == FieldType.f64.rawValue || b.type == FieldType.f64.rawValue {
                    let p = a.double, q = b.double
                    switch op {
                    case .add: out[k] = ExpressionFunctions.number(p + q)
                    case .subtract: out[k] = ExpressionFunctions.number(p - q)
                    case .multiply: out[k] = ExpressionFunctions.number(p * q)
                    default:
                        if q == 0 {
                            c.fail(rows[k], "division by zero")
                            out[k] = nullField
                        } else {
                            out[k] = ExpressionFunctions.number(p / q)
                        }
                    }
                    continue
                }
                let p = a.value.i64, q = b.value.i64
                let (v, overflow): (Int64, Bool)
                switch op {
                case .add: (v, overflow) = p.addingReportingOverflow(q)
                case .subtract: (v, overflow) = p.subtractingReportingOverflow(q)
                case .multiply: (v, overflow) = p.multipliedReportingOverflow(by: q)
                case .divide, .remainder:
                    if q == 0 {
                        c.fail(rows[k], op == .divide ? "division by zero" : "modulo by zero")
                        out[k] = nullField
                        continue
                    }
                    (v, overflow) = op == .divide ? p.dividedReportingOverflow(by: q) : p.remainderReportingOverflow(dividingBy: q)
                }
                if overflow {
                    c.fail(rows[k], "\(p) \(op.symbol) \(q) is beyond the range of i64")
                    out[k] = nullField
                } else {
                    var f = rv_field()
                    f.type = resultType
                    f.value.i64 = v
                    out[k] = f
                }
            }
        }
    }
}

extension ArithmeticColumn.Op {
    init(_ symbol: String) {
        switch symbol {
        case "+": self = .add
        case "-": self = .subtract
        case "*": self = .multiply
        case "/": self = .divide
        default: self = .remainder
        }
    }

    var symbol: String {
        switch self {
        case .add: "+"
        case .subtract: "-"
        case .multiply: "*"
        case .divide: "/"
        case .remainder: "%"
        }
    }
}
