// RivuletFunction: the protocol a Swift type conforms to in order to be a scalar function (e.g. a time extractor).

/// A scalar function written in Swift: a pure mapping from field values to a value, usable where a
/// manifest names `plugin.function` — today as an event-time extractor (`time: { extractor: p.f }`,
/// given the record's fields listed as its arguments). Listed in `PluginExport.descriptor(…, functions:)`.
///
/// Results are numbers, booleans, timestamps or NULL (a string would need memory that outlives the
/// call). Throw `RecordError` (any index) to fail only the record at hand — the host dead-letters it —
/// and anything else to stop the run.
public protocol RivuletFunction {
    /// The function's name in manifests (`plugin.<name>`).
    static var name: String { get }
    static var summary: String { get }
    /// The type of each argument (`.null`: any); the host checks the fields given against them.
    static var argumentKinds: [FieldKind] { get }
    /// The type of its result: `.i64`, `.f64`, `.bool` or `.timestamp`.
    static var resultKind: FieldKind { get }
    /// The result for `arguments` (one per `argumentKinds`).
    static func call(_ arguments: [FieldInput]) throws -> FieldValue
}

extension RivuletFunction {
    public static var summary: String { "" }
}
