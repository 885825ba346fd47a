// ColumnEvaluation: an expression evaluated a batch at a time: each node loops over the rows it is given.
import CRivulet
import RivuletCore

/// What a column evaluation of one batch shares: the records, the scratch for strings (reset once per
/// batch by the operator), and the records whose evaluation failed (the first reason of each).
public final class ColumnContext {
    public internal(set) var records: UnsafePointer<rv_record>
    public let scratch: ExpressionScratch
    /// Row → why it failed (the first failure met).
    public internal(set) var failures: [UInt32: String] = [:]

    public init(scratch: ExpressionScratch) {
        self.scratch = scratch
        records = UnsafePointer(bitPattern: 8)!
    }

    /// Starts a batch (or a column): its records, no failures.
    public func begin(_ records: UnsafePointer<rv_record>) {
        self.records = records
        if !failures.isEmpty { failures.removeAll(keepingCapacity: true) }
    }

    private var identity = RowBuffer()
    private var identityCount = 0

    deinit { identity.release() }

    /// Rows 0..<count.
    func allRows(_ count: Int) -> UnsafeBufferPointer<UInt32> {
        if count > identityCount {
            let p = identity.reserve(count)
            for i in 0..<count { p[i] = UInt32(i) }
            identityCount = count
        }
        return UnsafeBufferPointer(start: identity.pointer, count: count)
    }

    @inline(__always) func fail(_ row: UInt32, _ reason: String) {
        if failures[row] == nil { failures[row] = reason }
    }
}

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

/// A buffer grown as needed, never shrunk (its contents are not kept when it grows).
struct GrowingBuffer<Element> {
    private(set) var pointer = UnsafeMutablePointer<Element>.allocate(capacity: 1)
    private var capacity = 1

    mutating func reserve(_ n: Int) -> UnsafeMutablePointer<Element> {
        if n > capacity {
            pointer.deallocate()
            capacity = n
            pointer = .allocate(capacity: n)
        }
        return pointer
    }

    func release() { pointer.deallocate() }
}

typealias FieldBuffer = GrowingBuffer<rv_field>
typealias RowBuffer = GrowingBuffer<UInt32>

final class FieldColumn: ColumnNode {
    let index: Int
    init(index: Int, type: FieldType) {
        self.index = index
        super.init(type: type)
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        let records = c.records, index = self.index
        for k in 0..<rows.count { out[k] = records[Int(rows[k])].fields[index] }
    }
}

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
