// ExpressionHarness: evaluates an expression on one record built from Swift values, for the expression tests.
import CRivulet
import RivuletCore
import RivuletExpressions

/// A test value of a record field or a result.
enum V: Equatable, CustomStringConvertible {
    case null, i(Int64), f(Double), b(Bool), s(String), t(Int64)

    var description: String {
        switch self {
        case .null: "null"
        case .i(let v): "\(v)"
        case .f(let v): "\(v)"
        case .b(let v): "\(v)"
        case .s(let v): "'\(v)'"
        case .t(let v): "ts \(v)"
        }
    }

    init(_ f: rv_field) {
        switch FieldType(rawValue: f.type) ?? .null {
        case .null: self = .null
        case .i64: self = .i(f.value.i64)
        case .f64: self = .f(f.value.f64)
        case .bool: self = .b(f.value.i64 != 0)
        case .timestamp: self = .t(f.value.i64)
        case .string, .bytes: self = .s(String(decoding: UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)), as: UTF8.self))
        }
    }
}

/// The fields every test record has: a (i64), x (f64), s (string), ok (bool), ts (timestamp), n (i64, often null).
let testSchema = Schema([
    FieldDefinition(name: "a", type: .i64), FieldDefinition(name: "x", type: .f64), FieldDefinition(name: "s", type: .string),
    FieldDefinition(name: "ok", type: .bool), FieldDefinition(name: "ts", type: .timestamp), FieldDefinition(name: "n", type: .i64),
    FieldDefinition(name: "customer.id", type: .string),
])

/// `text` evaluated on the record (a, x, s, ok, ts, n, customer.id): its type and value, or the failure.
func evaluate(
    _ text: String, a: Int64? = 7, x: Double? = 2.5, s: String? = "Hello", ok: Bool? = true, ts: Int64? = 1_700_000_000_000, n: Int64? = nil,
    id: String? = "c-1"
) throws -> (type: FieldType, value: Result<V, ExpressionFailure>) {
    let e = try CompiledExpression(text, schema: testSchema)
    let batch = RecordBatch(schema: testSchema, capacity: 1)
    let i = batch.appendEmpty()
    if let a { batch.setField(i, 0, .integer(a)) }
    if let x { batch.setField(i, 1, .double(x)) }
    if let s { batch.setStringField(i, 2, s) }
    if let ok { batch.setField(i, 3, .bool(ok)) }
    if let ts { batch.setField(i, 4, .timestamp(ts)) }
    if let n { batch.setField(i, 5, .integer(n)) }
    if let id { batch.setStringField(i, 6, id) }
    let scratch = ExpressionScratch()
    do {
        return (e.type, .success(V(try e.evaluate(batch.record(at: i), scratch))))
    } catch {
        return (e.type, .failure(error))
    }
}

/// The value of `text` (nil when it failed).
func value(_ text: String, n: Int64? = nil, s: String? = "Hello") throws -> V? {
    if case .success(let v) = try evaluate(text, s: s, n: n).value { return v }
    return nil
}

/// The compile error of `text`, if any.
func compileError(_ text: String) -> ExpressionError? {
    do {
        _ = try CompiledExpression(text, schema: testSchema)
        return nil
    } catch {
        return error
    }
}
