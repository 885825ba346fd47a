// FFIOperator: an operator that calls an existing C function per record, through libffi, without a plugin.
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution

/// Maps record fields (or literals) to the arguments of a C function and writes its result to an output
/// field. The output schema is the input's plus the output field (or the input's, when the output field
/// already exists with a compatible type). Records are derived, not copied: only the field row is new.
/// A record whose argument field is NULL or of an unusable type is dead-lettered with the reason.
public final class FFIOperator: StreamOperator {
    /// Where an argument's value comes from.
    public enum Argument: Sendable, Equatable {
        case field(Int)
        case integer(Int64)
        case double(Double)
    }

    public let name: String
    public let function: FFIFunction
    public let output: OutputPort
    public let deadLetters: DeadLetterRoute
    let arguments: [Argument]
    let inputSchema: Schema
    let outputField: Int
    let outputType: FieldType
    private var argumentNames: [String]
    /// What the crash guard names if the C function crashes (`CrashScope`).
    public let crashScope: CrashScope

    public init(
        name: String, function: FFIFunction, arguments: [Argument], outputFieldName: String, inputSchema: Schema,
        batchCapacity: Int, deadLetters: DeadLetterRoute
    ) throws {
        self.deadLetters = deadLetters
        crashScope = CrashScope(what: "function '\(function.symbol)' of \(function.library) (operator '\(name)')")
        guard arguments.count == function.arguments.count else {
            throw OperatorFailure(node: name, message: "\(function.symbol) takes \(function.arguments.count) argument(s), \(arguments.count) given")
        }
        for (a, t) in zip(arguments, function.arguments) {
            if case .field(let i) = a {
                let ft = inputSchema.fields[i].type
                let ok = t == .bytes ? ft.isBytesLike : [.i64, .f64, .bool, .timestamp].contains(ft)
                if !ok {
                    throw OperatorFailure(node: name, message: "field '\(inputSchema.fields[i].name)' is \(ft), which cannot be passed as \(t)")
                }
            } else if t == .bytes {
                throw OperatorFailure(node: name, message: "a bytes argument must be a field, not a literal")
            }
        }
        self.name = name
        self.function = function
        self.arguments = arguments
        self.inputSchema = inputSchema
        outputType = (function.returns == .f32 || function.returns == .f64) ? .f64 : .i64
        var schema = inputSchema
        if let existing = schema.index(of: outputFieldName) {
            guard schema.fields[existing].type == outputType else {
                throw OperatorFailure(
                    node: name,
                    message:
                        "output field '\(outputFieldName)' exists as \(schema.fields[existing].type), but \(function.symbol) returns \(outputType)")
            }
            outputField = existing
        } else {
            outputField = schema.append(FieldDefinition(name: outputFieldName, type: outputType))
        }
        output = OutputPort(name: "out", schema: schema, batchCapacity: batchCapacity)
        argumentNames = arguments.map {
            if case .field(let i) = $0 { return inputSchema.fields[i].name }
            return "literal"
        }
    }

    /// A batch of one of several inputs: what it forwards or derives may not carry a watermark above the
    /// other inputs' (`watermarkCap`).
    public func process(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws {
        for p in [output] { p.setWatermarkCap(watermarkCap) }
        defer { for p in [output] { p.setWatermarkCap(.max) } }
        try process(batch, port: port)
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        let cCount = function.cArgumentCount
        // Per-call scratch on the stack: one 8-byte slot per C argument and a pointer to each.
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, cCount)) { slots in
            try withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: max(1, cCount)) { pointers in
                for i in 0..<cCount { pointers[i] = UnsafeMutableRawPointer(slots.baseAddress! + i) }
                // One crash scope for the batch: a crash in the C function names it and the batch's records.
                var view = batch.cBatch()
                try withUnsafePointer(to: &view) { v in
                    try crashScope.around(.function, records: v) { try callEach(batch, slots.baseAddress!, pointers.baseAddress!) }
                }
            }
        }
        try output.flush()
        try deadLetters.errorsPort?.flush()
    }

    /// Calls the function for each record of `batch` (arguments in `slots`, pointed to by `pointers`).
    private func callEach(
        _ batch: RecordBatch, _ slots: UnsafeMutablePointer<UInt64>, _ pointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) throws {
        for r in 0..<batch.count {
            let record = batch.record(at: r)
            if let problem = fillArguments(record, slots) {
                try send(batch, r, reason: problem)
                continue
            }
            var result: UInt64 = 0
            function.call(pointers, result: &result)
            let out = try output.batchForAppending()
            let i = out.appendDerived(from: batch, index: r)
            out.setField(i, outputField, convertResult(result))
            output.didAppend()
        }
    }

    /// Writes each C argument into its 8-byte slot; returns why not, when a field cannot be used.
    private func fillArguments(_ record: UnsafePointer<rv_record>, _ slots: UnsafeMutablePointer<UInt64>) -> String? {
        var c = 0
        for (n, (argument, type)) in zip(arguments, function.arguments).enumerated() {
            switch argument {
            case .integer(let v): store(Double(v), v, type, slots + c)
            case .double(let v): store(v, Int64(v), type, slots + c)
            case .field(let index):
                let f = record.pointee.fields[index]
                switch FieldType(rawValue: f.type) ?? .null {
                case .null:
                    return "argument \(n + 1) of \(function.symbol): field '\(argumentNames[n])' is NULL"
                case .f64: store(f.value.f64, Int64(exactly: f.value.f64.rounded(.towardZero)) ?? 0, type, slots + c)
                case .i64, .bool, .timestamp: store(Double(f.value.i64), f.value.i64, type, slots + c)
                case .string, .bytes:
                    UnsafeMutableRawPointer(slots + c).storeBytes(of: UnsafeRawPointer(f.value.ptr), as: UnsafeRawPointer?.self)
                    slots[c + 1] = UInt64(f.len)
                }
            }
            c += type == .bytes ? 2 : 1
        }
        return nil
    }

    private func store(_ d: Double, _ i: Int64, _ type: FFIValueType, _ slot: UnsafeMutablePointer<UInt64>) {
        let raw = UnsafeMutableRawPointer(slot)
        switch type {
        case .i32: raw.storeBytes(of: Int32(truncatingIfNeeded: i), as: Int32.self)
        case .i64: raw.storeBytes(of: i, as: Int64.self)
        case .f32: raw.storeBytes(of: Float(d), as: Float.self)
        case .f64: raw.storeBytes(of: d, as: Double.self)
        case .bytes: break
        }
    }

    private func convertResult(_ raw: UInt64) -> rv_field {
        var f = rv_field()
        f.type = outputType.rawValue
        var bits = raw
        withUnsafeBytes(of: &bits) { b in
            switch function.returns {
            case .i32: f.value.i64 = Int64(Int32(truncatingIfNeeded: b.load(as: Int64.self)))
            case .i64: f.value.i64 = b.load(as: Int64.self)
            case .f32: f.value.f64 = Double(b.load(as: Float.self))
            case .f64: f.value.f64 = b.load(as: Double.self)
            case .bytes: break
            }
        }
        return f
    }

    private func send(_ batch: RecordBatch, _ index: Int, reason: String) throws {
        try deadLetters.send(batch.record(at: index), schema: batch.schema, reason: reason)
    }

    public func advanceWatermark(to watermark: Int64) throws {
        try output.advanceWatermark(to: watermark)
    }

    public func finish() throws {
        try output.flush()
    }

    public func close() {}
}
