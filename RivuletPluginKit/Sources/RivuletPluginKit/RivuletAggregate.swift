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
    static func add(_ accumulator: inout Accumulator, _ value: FieldInput) throws
    /// Folds `other` (another window's accumulator) in.
    static func merge(_ accumulator: inout Accumulator, _ other: Accumulator)
    /// The result; `.null` for none.
    static func result(_ accumulator: Accumulator) -> FieldValue
}

extension RivuletAggregate {
    public static var summary: String { "" }
    public static var inputKind: FieldKind { .null }
}
