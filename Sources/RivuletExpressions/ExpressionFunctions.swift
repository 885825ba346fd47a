// ExpressionFunctions: the functions an expression can call, each typed at compile time.
import CRivulet
import Foundation
import RivuletCore
import RivuletHashing

/// The function library (docs/EXPRESSIONS.md "Functions"). Every function returns NULL when an argument
/// is NULL, except `coalesce`, `if` (its condition) and `now`.
enum ExpressionFunctions {
    static let names = [
        "abs", "round", "floor", "ceil", "pow", "sqrt", "ln", "exp", "min", "max", "lower", "upper", "len", "substr", "concat",
        "starts_with", "ends_with", "contains", "split_part", "replace", "trim", "coalesce", "if", "hash", "i64", "f64", "string", "now",
        "format_time", "parse_time", "date_trunc", "regex_match", "regex_extract",
    ]

    static func call(_ name: String, _ syntax: [ExpressionSyntax], at: Int, _ compiler: ExpressionCompiler) throws(ExpressionError) -> Typed {
        var args: [Typed] = []
        for a in syntax { args.append(try compiler.node(a)) }
        func arity(_ range: ClosedRange<Int>) throws(ExpressionError) {
            guard range.contains(args.count) else {
                let want = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw ExpressionError(at, "\(name)() takes \(want) argument\(range.upperBound == 1 ? "" : "s"), got \(args.count)")
            }
        }
        func need(_ k: Int, _ test: (FieldType) -> Bool, _ what: String) throws(ExpressionError) {
            let t = args[k].type
            guard t == .null || test(t) else { throw ExpressionError(syntax[k].offset, "argument \(k + 1) of \(name)() must be \(what), not \(t)") }
        }
        let numeric = ExpressionCompiler.isNumeric, text = ExpressionCompiler.isText
        switch name {
        case "abs":
            try arity(1...1)
            try need(0, numeric, "a number")
            return strict(args[0].type, args) { v, _ throws(ExpressionFailure) in
                if v[0].isDouble { return .double(abs(v[0].value.f64)) }
                guard v[0].value.i64 != .min else { throw ExpressionFailure("abs(\(v[0].value.i64)) is beyond the range of i64") }
                return .integer(abs(v[0].value.i64)).converted(to: args[0].type)
            }
        case "round":
            try arity(1...2)
            try need(0, numeric, "a number")
            if args.count == 2 { try need(1, { $0 == .i64 }, "an i64 (the decimals)") }
            return strict(args[0].type == .f64 ? .f64 : args[0].type, args) { v, _ in
                guard v[0].isDouble else { return v[0] }
                let digits = v.count == 2 ? max(-18, min(18, v[1].value.i64)) : 0
                let scale = pow(10.0, Double(digits))
                let scaled = v[0].value.f64 * scale
                // Beyond 2^52 a double has no fraction left to round (and × scale may overflow).
                guard scaled.isFinite, abs(scaled) < 4.5e15 else { return v[0] }
                return .double(scaled.rounded(.toNearestOrAwayFromZero) / scale)
            }
        case "floor", "ceil":
            try arity(1...1)
            try need(0, numeric, "a number")
            let rule: FloatingPointRoundingRule = name == "floor" ? .down : .up
            return strict(args[0].type, args) { v, _ in v[0].isDouble ? .double(v[0].value.f64.rounded(rule)) : v[0] }
        case "pow":
            try arity(2...2)
            try need(0, numeric, "a number")
            try need(1, numeric, "a number")
            return strict(.f64, args) { v, _ in ExpressionFunctions.number(Foundation.pow(v[0].double, v[1].double)) }
        case "sqrt", "ln", "exp":
            try arity(1...1)
            try need(0, numeric, "a number")
            let f: (Double) -> Double = name == "sqrt" ? { $0.squareRoot() } : name == "ln" ? { Foundation.log($0) } : { Foundation.exp($0) }
            // Outside the domain (sqrt(-1), ln(-1)): NULL, not NaN (which compares equal to nothing sensibly).
            return strict(.f64, args) { v, _ in ExpressionFunctions.number(f(v[0].double)) }
        case "min", "max":
            guard args.count >= 2 else { throw ExpressionError(at, "\(name)() takes 2 or more arguments, got \(args.count)") }
            let type = try compiler.unify(args, at: at, what: "the arguments of \(name)()")
            guard type == .null || numeric(type) || text(type) else {
                throw ExpressionError(at, "\(name)() compares numbers or strings, not \(type)")
            }
            let smallest = name == "min"
            return strict(type, args) { v, _ in
                var best = v[0]
                for x in v.dropFirst() where (compare(x, best) < 0) == smallest && compare(x, best) != 0 { best = x }
                return best.converted(to: type)
            }
        case "lower", "upper", "trim":
            try arity(1...1)
            try need(0, text, "a string")
            return strict(.string, args) { v, s throws(ExpressionFailure) in
                let t = v[0].text
                return try s.string(name == "lower" ? t.lowercased() : name == "upper" ? t.uppercased() : t.trimmingCharacters(in: .whitespaces))
            }
        case "len":
            try arity(1...1)
            try need(0, text, "a string")
            return strict(.i64, args) { v, _ in .integer(Int64(String(decoding: v[0].bytes, as: UTF8.self).unicodeScalars.count)) }
        case "substr":
            try arity(2...3)
            try need(0, text, "a string")
            try need(1, { $0 == .i64 }, "an i64 (the first character, from 1)")
            if args.count == 3 { try need(2, { $0 == .i64 }, "an i64 (the length)") }
            return strict(.string, args) { v, s throws(ExpressionFailure) in
                let scalars = Array(v[0].text.unicodeScalars)
                let from = max(1, v[1].value.i64) - 1
                let count = v.count == 3 ? max(0, v[2].value.i64) : Int64(scalars.count)
                guard from < scalars.count else { return try s.string("") }
                let end = min(Int64(scalars.count), from.addingReportingOverflow(count).overflow ? .max : from + count)
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars[Int(from)..<Int(end)])
                return try s.string(String(out))
            }
        case "concat":
            guard !args.isEmpty else { throw ExpressionError(at, "concat() takes 1 or more arguments") }
            for k in args.indices { try need(k, text, "a string") }
            return strict(.string, args) { v, s throws(ExpressionFailure) in try s.concatenate(v) }
        case "starts_with", "ends_with", "contains":
            try arity(2...2)
            try need(0, text, "a string")
            try need(1, text, "a string")
            return strict(.bool, args) { v, _ in
                let a = v[0].bytes, b = v[1].bytes
                guard b.count <= a.count else { return .bool(false) }
                if b.isEmpty { return .bool(true) }
                switch name {
                case "starts_with": return .bool(memcmp(a.baseAddress!, b.baseAddress!, b.count) == 0)
                case "ends_with": return .bool(memcmp(a.baseAddress! + (a.count - b.count), b.baseAddress!, b.count) == 0)
                default:
                    for start in 0...(a.count - b.count) where memcmp(a.baseAddress! + start, b.baseAddress!, b.count) == 0 {
                        return .bool(true)
                    }
                    return .bool(false)
                }
            }
        case "split_part":
            try arity(3...3)
            try need(0, text, "a string")
            try need(1, text, "a string (the delimiter)")
            try need(2, { $0 == .i64 }, "an i64 (the part, from 1)")
            return strict(.string, args) { v, s throws(ExpressionFailure) in
                let delimiter = v[1].text
                let parts = delimiter.isEmpty ? [v[0].text] : v[0].text.components(separatedBy: delimiter)
                let n = v[2].value.i64
                guard n >= 1, n <= parts.count else { return try s.string("") }
                return try s.string(parts[Int(n - 1)])
            }
        case "replace":
            try arity(3...3)
            for k in 0..<3 { try need(k, text, "a string") }
            return strict(.string, args) { v, s throws(ExpressionFailure) in
                let from = v[1].text
                guard !from.isEmpty else { return v[0] }
                let text = v[0].text, to = v[2].text
                // The result's size before making it (a string replaced by itself grows quadratically).
                let occurrences = text.components(separatedBy: from).count - 1
                let size = text.utf8.count + occurrences * (to.utf8.count - from.utf8.count)
                guard size <= ExpressionScratch.maximumString else {
                    throw ExpressionFailure("replace would make a string of \(size) bytes (at most 1 GiB)")
                }
                return try s.string(text.replacingOccurrences(of: from, with: to))
            }
        case "coalesce":
            guard !args.isEmpty else { throw ExpressionError(at, "coalesce() takes 1 or more arguments") }
            let type = try compiler.unify(args, at: at, what: "the arguments of coalesce()")
            let evaluations = args.map(\.evaluate)
            return Typed(type) { r, s throws(ExpressionFailure) in
                for e in evaluations {
                    let v = try e(r, s)
                    if !v.isNull { return v.converted(to: type) }
                }
                return nullField
            }
        case "if":
            try arity(3...3)
            try need(0, { $0 == .bool }, "a bool (the condition)")
            let type = try compiler.unify([args[1], args[2]], at: at, what: "the two values of if()")
            let (c, a, b) = (args[0].evaluate, args[1].evaluate, args[2].evaluate)
            return Typed(type) { r, s throws(ExpressionFailure) in
                let v = try c(r, s)
                return try (!v.isNull && v.value.i64 != 0 ? a(r, s) : b(r, s)).converted(to: type)
            }.with(IfColumn(args[0].column, args[1].column, args[2].column, type: type))
        case "hash":
            try arity(1...1)
            return strict(.i64, args) { v, _ in
                if v[0].type == FieldType.string.rawValue || v[0].type == FieldType.bytes.rawValue {
                    return .integer(Int64(bitPattern: FNV1a.hash(v[0].bytes)))
                }
                var bits = v[0].value.i64
                return .integer(Int64(bitPattern: withUnsafeBytes(of: &bits) { FNV1a.hash($0) }))
            }
        case "i64", "f64", "string":
            try arity(1...1)
            let target: FieldType = name == "i64" ? .i64 : name == "f64" ? .f64 : .string
            return strict(target, args) { v, s throws(ExpressionFailure) in try cast(v[0], to: target, s) }
        case "format_time":
            try arity(2...2)
            try need(0, { $0 == .timestamp || $0 == .i64 }, "a timestamp")
            let pattern = try constantText(args, syntax, 1, name, "the pattern")
            if let (c, k) = TimeFunctions.unknownDirective(pattern) {
                throw ExpressionError(syntax[1].offset + 1 + k, "unknown directive %\(c) (known: %Y %m %d %H %M %S %L %j %F %T %%)")
            }
            let expanded = TimeFunctions.expanded(pattern)
            return strict(.string, args) { v, s throws(ExpressionFailure) in
                try s.string(TimeFunctions.format(try TimeFunctions.checked(v[0].value.i64), expanded))
            }
        case "parse_time":
            try arity(2...2)
            try need(0, text, "a string")
            let pattern = try constantText(args, syntax, 1, name, "the pattern")
            if let (c, k) = TimeFunctions.unknownDirective(pattern) {
                throw ExpressionError(syntax[1].offset + 1 + k, "unknown directive %\(c) (known: %Y %m %d %H %M %S %L %j %F %T %%)")
            }
            let expanded = TimeFunctions.expanded(pattern)
            return strict(.timestamp, args) { v, _ throws(ExpressionFailure) in
                guard let ms = TimeFunctions.parse(v[0].text, expanded) else {
                    throw ExpressionFailure("'\(v[0].text)' is not a time of the form '\(pattern)'")
                }
                return .timestamp(ms)
            }
        case "date_trunc":
            try arity(2...2)
            let unit = try constantText(args, syntax, 0, name, "the unit").lowercased()
            guard TimeFunctions.units.contains(unit) else {
                throw ExpressionError(
                    syntax[0].offset,
                    "unknown unit '\(unit)' (one of \(TimeFunctions.units.joined(separator: ", ")))"
                        + DidYouMean.hint(unit, among: TimeFunctions.units))
            }
            try need(1, { $0 == .timestamp || $0 == .i64 }, "a timestamp")
            return strict(.timestamp, [args[1]]) { v, _ throws(ExpressionFailure) in
                .timestamp(TimeFunctions.truncate(try TimeFunctions.checked(v[0].value.i64), to: unit))
            }
        case "regex_match", "regex_extract":
            try arity(name == "regex_match" ? 2...2 : 2...3)
            try need(0, text, "a string")
            let pattern = try constantText(args, syntax, 1, name, "the pattern")
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(pattern) } catch {
                throw ExpressionError(syntax[1].offset, "the pattern '\(pattern)' is not a regular expression: \(error)")
            }
            if name == "regex_match" {
                return strict(.bool, [args[0]]) { v, _ in .bool(v[0].text.contains(regex)) }
            }
            var group = 0
            if args.count == 3 {
                guard let g = args[2].constant, g.type == FieldType.i64.rawValue, g.value.i64 >= 0, g.value.i64 <= 99 else {
                    throw ExpressionError(syntax[2].offset, "argument 3 of regex_extract() must be a constant group number from 0 to 99")
                }
                group = Int(g.value.i64)
            }
            let index = group
            return strict(.string, [args[0]]) { v, s throws(ExpressionFailure) in
                guard let match = v[0].text.firstMatch(of: regex), index < match.output.count,
                    let part = match.output[index].substring
                else { return nullField }
                return try s.string(String(part))
            }
        case "now":
            try arity(0...0)
            return Typed(.timestamp) { _, _ in .timestamp(Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) }
        default:
            throw ExpressionError(at, "no function '\(name)'" + DidYouMean.hint(name, among: names) + " (the functions: docs/EXPRESSIONS.md)")
        }
    }

    /// `d` as a field: NULL when it is NaN.
    static func number(_ d: Double) -> rv_field { d.isNaN ? nullField : .double(d) }

    /// The text of argument `k`, which must be a constant string (a pattern, a unit).
    static func constantText(_ args: [Typed], _ syntax: [ExpressionSyntax], _ k: Int, _ name: String, _ what: String) throws(ExpressionError)
        -> String
    {
        guard let c = args[k].constant, c.type == FieldType.string.rawValue else {
            throw ExpressionError(syntax[k].offset, "argument \(k + 1) of \(name)() (\(what)) must be a constant string, like '%Y-%m-%d'")
        }
        return c.text
    }

    /// A function of its argument values that is NULL when any argument is. The values are passed in
    /// memory on the stack (no allocation per call).
    static func strict(
        _ type: FieldType, _ args: [Typed],
        _ body: @escaping (UnsafeBufferPointer<rv_field>, ExpressionScratch) throws(ExpressionFailure) -> rv_field
    ) -> Typed {
        let evaluations = args.map(\.evaluate)
        return Typed(type) { r, s throws(ExpressionFailure) in
            try withUnsafeTemporaryAllocation(of: rv_field.self, capacity: max(1, evaluations.count)) { values throws(ExpressionFailure) in
                for (k, e) in evaluations.enumerated() {
                    let v = try e(r, s)
                    if v.isNull { return nullField }
                    values[k] = v
                }
                return try body(UnsafeBufferPointer(rebasing: values[0..<evaluations.count]), s)
            }
        }
    }

    /// `v` as `target`: numbers convert (f64 to i64 toward zero, if it fits); strings parse (or fail the
    /// record); anything becomes a string.
    static func cast(_ v: rv_field, to target: FieldType, _ s: ExpressionScratch) throws(ExpressionFailure) -> rv_field {
        let type = FieldType(rawValue: v.type) ?? .null
        switch (type, target) {
        case (.string, .string), (.bytes, .string): return v
        case (.string, _), (.bytes, _):
            let t = v.text.trimmingCharacters(in: .whitespaces)
            if target == .i64, let n = Int64(t) { return .integer(n) }
            if target == .f64, let d = Double(t), d.isFinite { return .double(d) }
            throw ExpressionFailure("'\(v.text)' is not \(target == .i64 ? "an i64" : "an f64")")
        case (_, .string):
            switch type {
            case .f64: return try s.string("\(v.value.f64)")
            case .bool: return try s.string(v.value.i64 != 0 ? "true" : "false")
            default: return try s.string(String(v.value.i64))
            }
        case (.f64, .i64):
            let d = v.value.f64.rounded(.towardZero)
            guard d.isFinite, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else {
                throw ExpressionFailure("\(v.value.f64) is beyond the range of i64")
            }
            return .integer(Int64(d))
        case (_, .f64): return .double(v.double)
        default: return .integer(v.value.i64)
        }
    }
}
