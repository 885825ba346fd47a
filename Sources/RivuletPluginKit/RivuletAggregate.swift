// RivuletAggregate: the protocol a Swift type conforms to in order to be a window aggregate.

/// A window aggregate written in Swift. The host keeps one `Accumulator` per key and window — plain
/// bytes it owns, moves and will snapshot, hence `BitwiseCopyable` (no references, no arrays) — and calls
/// `add` with the aggregated field of each record, `merge` to fold two accumulators (sessions, sliding
/// windows) and `result` when the window is emitted. Used in a manifest as `plugin.name(field)`.
///
/// Results are numbers, booleans or timestamps (a string result would need memory that outlives the
/// call; write such an aggregate against the C ABI). Throwing from `add` stops the run with the error's
/// description: an aggregate's state cannot skip a record silently.
public protocol RivuletAggregate {
    associatedtype Accumulator: BitwiseCopyable
    /// The aggregate's name in manifests (`plugin.<name>(field)`).
    static var name: String { get }
    static var summary: String { get }
    /// The field type it accepts (`.null`: any).
    static var inputKind: FieldKind { get }
    /// The type of its result: `.i64`, `.f64`, `.bool` or `.timestamp`.
    static var resultKind: FieldKind { get }
    /// The accumulator of an empty window.
    static func initial() -> Accumulator
    /// Folds one record's value in.
    static func add(_ accumulator: inout Accumulator, _ value: AggregateInput) throws
    /// Folds `other` (another window's accumulator) in.
    static func merge(_ accumulator: inout Accumulator, _ other: Accumulator)
    /// The result; `.null` for none.
    static func result(_ accumulator: Accumulator) -> FieldValue
}

extension RivuletAggregate {
    public static var summary: String { "" }
    public static var inputKind: FieldKind { .null }
}

/// The value an aggregate receives: the record's field, borrowed for the call.
public struct AggregateInput {
    public let raw: rv_field

    public var kind: FieldKind { FieldKind(rawValue: raw.type) ?? .null }
    public var isNull: Bool { kind == .null }
    /// An i64, timestamp or bool value.
    public var int: Int64? { [.i64, .timestamp, .bool].contains(kind) ? raw.value.i64 : nil }
    /// A numeric value as a double (i64 converted).
    public var double: Double? {
        switch kind {
        case .f64: raw.value.f64
        case .i64, .timestamp: Double(raw.value.i64)
        default: nil
        }
    }
    /// A string or bytes value, decoded as UTF-8.
    public var string: String? {
        guard kind == .string || kind == .bytes else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: raw.value.ptr, count: Int(raw.len)), as: UTF8.self)
    }
}
