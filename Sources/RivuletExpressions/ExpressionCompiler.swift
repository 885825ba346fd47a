// ExpressionCompiler: ExpressionSyntax to typed closures over a record: names resolved, types checked, constants folded.
import CRivulet
import Foundation
import RivuletCore

/// Resolves and type-checks an expression against the input schema (docs/EXPRESSIONS.md "Types").
struct ExpressionCompiler {
    let schema: Schema

    static func isNumeric(_ t: FieldType) -> Bool { t == .i64 || t == .f64 || t == .timestamp }
    static func isText(_ t: FieldType) -> Bool { t == .string || t == .bytes }

    func compile(_ syntax: ExpressionSyntax) throws(ExpressionError) -> Typed { try node(syntax) }

    /// The node of `syntax`, folded to a constant when nothing under it reads the record or the clock:
    /// bottom-up, so `x + 1/0` is refused here and `'%Y' || '-%m'` is a constant pattern.
    func node(_ syntax: ExpressionSyntax) throws(ExpressionError) -> Typed {
        let typed = try build(syntax)
        guard typed.constant == nil, !syntax.readsRecordOrClock else { return typed }
        let scratch = ExpressionScratch()
        let probe = rv_record()
        do {
            let value = try withUnsafePointer(to: probe) { p throws(ExpressionFailure) in try typed.evaluate(p, scratch) }
            return Self.literal(typed.type, value)
        } catch {
            // A constant that cannot be evaluated (1 / 0) fails every record: say so now.
            throw ExpressionError(syntax.offset, "this always fails: \(error.reason)")
        }
    }

    /// A folded constant, its string bytes owned by the closure.
    static func literal(_ type: FieldType, _ value: rv_field) -> Typed {
        guard isText(FieldType(rawValue: value.type) ?? .null) else { return .constant(type, value) }
        let owned = OwnedBytes(value.bytes)
        var f = value
        f.value.ptr = owned.pointer
        return Typed(type, constant: f, owner: owned) { _, _ in withExtendedLifetime(owned) { f } }
    }

    private func build(_ syntax: ExpressionSyntax) throws(ExpressionError) -> Typed {
        switch syntax {
        case .integer(let v, _): return .constant(.i64, .integer(v))
        case .float(let v, _): return .constant(.f64, .double(v))
        case .bool(let v, _): return .constant(.bool, .bool(v))
        case .null: return .constant(.null, nullField)
        case .string(let s, _):
            let owned = OwnedBytes(Array(s.utf8))
            var f = rv_field()
            f.type = FieldType.string.rawValue
            f.len = UInt32(owned.count)
            f.value.ptr = owned.pointer
            return Typed(.string, constant: f, owner: owned) { _, _ in withExtendedLifetime(owned) { f } }
        case .field(let name, let at):
            if schema.index(of: name) == nil, let element = try arrayElement(name, at: at) { return element }
            guard let index = schema.index(of: name) else {
                throw ExpressionError(
                    at,
                    "no field '\(name)' in the input (fields: \(schema.fields.map(\.name).joined(separator: ", ")))"
                        + DidYouMean.hint(name, among: schema.fields.map(\.name)))
            }
            let type = schema.fields[index].type == .bytes ? FieldType.string : schema.fields[index].type
            return Typed(type) { record, _ in record.pointee.fields[index] }.with(FieldColumn(index: index, type: type))
        case .unary(let op, let operand, let at):
            return try unary(op, try node(operand), at: at, operandAt: operand.offset)
        case .binary(let op, let left, let right, let at):
            return try binary(op, try node(left), try node(right), at: at, left.offset, right.offset)
        case .isNull(let operand, let negated, _):
            let x = try node(operand)
            return Typed(.bool) { r, s throws(ExpressionFailure) in .bool(try x.evaluate(r, s).isNull != negated) }
                .with(UnaryLogicColumn(x.column, isNull: !negated))
        case .isIn(let operand, let items, let negated, _):
            return try membership(try node(operand), items, negated: negated, operandAt: operand.offset)
        case .call(let name, let arguments, let at):
            return try ExpressionFunctions.call(name, arguments, at: at, self)
        case .caseWhen(let branches, let otherwise, let at):
            var conditions: [Evaluate] = []
            var values: [Typed] = []
            for (condition, value) in branches {
                let c = try node(condition)
                guard c.type == .bool || c.type == .null else {
                    throw ExpressionError(condition.offset, "a 'when' condition must be bool, not \(c.type)")
                }
                conditions.append(c.evaluate)
                values.append(try node(value))
            }
            let fallback = try otherwise.map { e throws(ExpressionError) in try node(e) } ?? .constant(.null, nullField)
            let type = try unify(values + [fallback], at: at, what: "the branches of 'case'")
            let evaluations = values.map(\.evaluate)
            let last = fallback.evaluate
            return Typed(type) { r, s throws(ExpressionFailure) in
                for (k, condition) in conditions.enumerated() {
                    let c = try condition(r, s)
                    if !c.isNull && c.value.i64 != 0 { return try evaluations[k](r, s).converted(to: type) }
                }
                return try last(r, s).converted(to: type)
            }
        }
    }

    /// `items[0].sku`: a value inside array field `items` (its JSON text), read as a string — the
    /// member's text (cast it: `i64(items[0].qty)`); NULL when the array is shorter or the member absent.
    func arrayElement(_ name: String, at: Int) throws(ExpressionError) -> Typed? {
        guard let open = name.firstIndex(of: "[") else { return nil }
        let base = String(name[..<open])
        guard let index = schema.index(of: base) else { return nil }
        guard schema.fields[index].type == .string || schema.fields[index].type == .bytes else {
            throw ExpressionError(at, "'\(base)' is \(schema.fields[index].type), not an array field (a jsonl source's [ … ] field)")
        }
        var steps: [JSONPath.Step] = []
        var rest = Substring(name[open...])
        while !rest.isEmpty {
            if rest.first == "[", let close = rest.firstIndex(of: "]"), let n = Int(rest[rest.index(after: rest.startIndex)..<close]) {
                steps.append(.element(n))
                rest = rest[rest.index(after: close)...]
            } else if rest.first == "." {
                let part = rest.dropFirst().prefix { $0 != "." && $0 != "[" }
                guard !part.isEmpty else { return nil }
                steps.append(.member(String(part)))
                rest = rest.dropFirst(1 + part.count)
            } else {
                return nil
            }
        }
        let path = steps
        return Typed(.string) { record, s throws(ExpressionFailure) in
            let f = record.pointee.fields[index]
            if f.isNull { return nullField }
            do {
                guard let bytes = try JSONPath.value(in: f.bytes, at: path) else { return nullField }
                return try bytes.withUnsafeBytes { b throws(ExpressionFailure) in try s.string(b) }
            } catch {
                throw ExpressionFailure("\(name): \((error as? DecodeFailure)?.message ?? "\(error)")")
            }
        }
    }

    /// The one type values of `parts` share (numbers widen to f64; null fits any); errors name `what`.
    func unify(_ parts: [Typed], at: Int, what: String) throws(ExpressionError) -> FieldType {
        let types = parts.map(\.type).filter { $0 != .null }
        guard let first = types.first else { return .null }
        if types.allSatisfy({ $0 == first }) { return first }
        if types.allSatisfy(Self.isNumeric) { return types.contains(.f64) ? .f64 : .i64 }
        let names = Set(types.map(\.description)).sorted().joined(separator: " and ")
        throw ExpressionError(at, "\(what) have different types (\(names)); cast one with i64(), f64() or string()")
    }

    private func unary(_ op: String, _ x: Typed, at: Int, operandAt: Int) throws(ExpressionError) -> Typed {
        if op == "not" {
            guard x.type == .bool || x.type == .null else { throw ExpressionError(operandAt, "'not' needs a bool, not \(x.type)") }
            return Typed(.bool) { r, s throws(ExpressionFailure) in
                let v = try x.evaluate(r, s)
                return v.isNull ? nullField : .bool(v.value.i64 == 0)
            }.with(UnaryLogicColumn(x.column, isNull: nil))
        }
        guard x.type == .i64 || x.type == .f64 || x.type == .null else { throw ExpressionError(operandAt, "'-' needs a number, not \(x.type)") }
        return Typed(x.type) { r, s throws(ExpressionFailure) in
            let v = try x.evaluate(r, s)
            if v.isNull { return v }
            if v.isDouble { return .double(-v.value.f64) }
            guard v.value.i64 != .min else { throw ExpressionFailure("-(\(v.value.i64)) is beyond the range of i64") }
            return .integer(-v.value.i64)
        }
    }

    private func binary(_ op: String, _ l: Typed, _ r: Typed, at: Int, _ leftAt: Int, _ rightAt: Int) throws(ExpressionError) -> Typed {
        switch op {
        case "and", "or":
            for (x, offset) in [(l, leftAt), (r, rightAt)] where x.type != .bool && x.type != .null {
                throw ExpressionError(offset, "'\(op)' needs bool values, not \(x.type)")
            }
            let isAnd = op == "and"
            // SQL's three-valued logic: false and null = false, true or null = true.
            return Typed(.bool) { rec, s throws(ExpressionFailure) in
                let a = try l.evaluate(rec, s)
                if !a.isNull && (a.value.i64 != 0) != isAnd { return a }
                let b = try r.evaluate(rec, s)
                if !b.isNull && (b.value.i64 != 0) != isAnd { return b }
                return a.isNull || b.isNull ? nullField : .bool(isAnd)
            }.with(LogicColumn(isAnd: isAnd, l.column, r.column))
        case "==", "!=", "<", "<=", ">", ">=":
            try comparable(l.type, r.type, at: at, op: op)
            let test: (Int) -> Bool =
                switch op {
                case "==": { $0 == 0 }
                case "!=": { $0 != 0 }
                case "<": { $0 < 0 }
                case "<=": { $0 <= 0 }
                case ">": { $0 > 0 }
                default: { $0 >= 0 }
                }
            let integers = [l.type, r.type].allSatisfy { $0 == .i64 || $0 == .timestamp }
            return Typed(.bool) { rec, s throws(ExpressionFailure) in
                let a = try l.evaluate(rec, s)
                if a.isNull { return nullField }
                let b = try r.evaluate(rec, s)
                if b.isNull { return nullField }
                return .bool(test(compare(a, b)))
            }.with(ComparisonColumn(ComparisonColumn.Op(op), l.column, r.column, integers: integers))
        case "||":
            for (x, offset) in [(l, leftAt), (r, rightAt)] where !Self.isText(x.type) && x.type != .null {
                throw ExpressionError(offset, "'||' joins strings, not \(x.type) (cast it: string(...))")
            }
            return Typed(.string) { rec, s throws(ExpressionFailure) in
                let a = try l.evaluate(rec, s)
                if a.isNull { return nullField }
                let b = try r.evaluate(rec, s)
                if b.isNull { return nullField }
                return try s.concatenate(a, b)
            }
        default:
            return try arithmetic(op, l, r, at: at, leftAt, rightAt)
        }
    }

    private func comparable(_ a: FieldType, _ b: FieldType, at: Int, op: String) throws(ExpressionError) {
        if a == .null || b == .null || a == b { return }
        if Self.isNumeric(a) && Self.isNumeric(b) { return }
        if Self.isText(a) && Self.isText(b) { return }
        throw ExpressionError(at, "cannot compare \(a) with \(b) ('\(op)'); cast one side with i64(), f64() or string()")
    }

    private func arithmetic(_ op: String, _ l: Typed, _ r: Typed, at: Int, _ leftAt: Int, _ rightAt: Int) throws(ExpressionError) -> Typed {
        for (x, offset) in [(l, leftAt), (r, rightAt)] where !Self.isNumeric(x.type) && x.type != .null {
            throw ExpressionError(offset, "'\(op)' needs numbers, not \(x.type)")
        }
        let type: FieldType
        switch (l.type, r.type) {
        case (.f64, _), (_, .f64): type = .f64
        case (.timestamp, .timestamp) where op == "-": type = .i64
        case (.timestamp, .timestamp): throw ExpressionError(at, "'\(op)' of two timestamps (only '-' gives their distance in ms)")
        case (.timestamp, _) where op == "+" || op == "-", (_, .timestamp) where op == "+": type = .timestamp
        case (.timestamp, _), (_, .timestamp): throw ExpressionError(at, "'\(op)' with a timestamp (only + and - of milliseconds)")
        case (.null, .null): type = .null
        default: type = .i64
        }
        if op == "%" && type == .f64 { throw ExpressionError(at, "'%' needs integers (use floor() to cut an f64)") }
        let text = op
        return Typed(type) { rec, s throws(ExpressionFailure) in
            let a = try l.evaluate(rec, s)
            if a.isNull { return nullField }
            let b = try r.evaluate(rec, s)
            if b.isNull { return nullField }
            if a.isDouble || b.isDouble {
                let x = a.double, y = b.double
                switch text {
                case "+": return ExpressionFunctions.number(x + y)
                case "-": return ExpressionFunctions.number(x - y)
                case "*": return ExpressionFunctions.number(x * y)
                default:
                    guard y != 0 else { throw ExpressionFailure("division by zero") }
                    return ExpressionFunctions.number(x / y)
                }
            }
            let x = a.value.i64, y = b.value.i64
            let (v, overflow): (Int64, Bool)
            switch text {
            case "+": (v, overflow) = x.addingReportingOverflow(y)
            case "-": (v, overflow) = x.subtractingReportingOverflow(y)
            case "*": (v, overflow) = x.multipliedReportingOverflow(by: y)
            case "/":
                guard y != 0 else { throw ExpressionFailure("division by zero") }
                (v, overflow) = x.dividedReportingOverflow(by: y)
            default:
                guard y != 0 else { throw ExpressionFailure("modulo by zero") }
                (v, overflow) = x.remainderReportingOverflow(dividingBy: y)
            }
            if overflow { throw ExpressionFailure("\(x) \(text) \(y) is beyond the range of i64") }
            return type == .timestamp ? .timestamp(v) : .integer(v)
        }.with(ArithmeticColumn(ArithmeticColumn.Op(op), l.column, r.column, type: type))
    }

    private func membership(_ x: Typed, _ items: [ExpressionSyntax], negated: Bool, operandAt: Int) throws(ExpressionError) -> Typed {
        var values: [Evaluate] = []
        for item in items {
            let t = try node(item)
            try comparable(x.type, t.type, at: item.offset, op: "in")
            values.append(t.evaluate)
        }
        return Typed(.bool) { r, s throws(ExpressionFailure) in
            let a = try x.evaluate(r, s)
            if a.isNull { return nullField }
            var sawNull = false
            for value in values {
                let b = try value(r, s)
                if b.isNull {
                    sawNull = true
                } else if compare(a, b) == 0 {
                    return .bool(!negated)
                }
            }
            return sawNull ? nullField : .bool(negated)
        }
    }
}
