// FieldType: the value types a stream's fields can have, matching the RV_TYPE_* codes of rivulet.h.
import CRivulet

/// The type of a field of a stream's schema. Raw values are the `RV_TYPE_*` codes of the C ABI.
public enum FieldType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// No value (a missing CSV cell, a JSON null). Never a declared type.
    case null = 0
    case i64 = 1
    case f64 = 2
    case bool = 3
    case string = 4
    case bytes = 5
    /// Milliseconds since the Unix epoch, UTC.
    case timestamp = 6

    /// The name used in manifests and messages (`i64`, `f64`, `bool`, `string`, `bytes`, `timestamp`).
    public var description: String {
        switch self {
        case .null: "null"
        case .i64: "i64"
        case .f64: "f64"
        case .bool: "bool"
        case .string: "string"
        case .bytes: "bytes"
        case .timestamp: "timestamp"
        }
    }

    /// The types a schema may declare (every case but `.null`), in the order messages list them.
    public static var declarable: [FieldType] { allCases.filter { $0 != .null } }

    /// Parses a manifest type name; nil when unknown (and for `null`, never a declared type).
    public init?(name: String) {
        guard let match = FieldType.declarable.first(where: { $0.description == name }) else {
            return nil
        }
        self = match
    }

    /// Whether values of this type are held as bytes (`ptr` + `len`) rather than inline.
    @inlinable public var isBytesLike: Bool { self == .string || self == .bytes }
}
