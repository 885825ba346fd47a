// ValueFormat: how a sink writes timestamps and doubles: epoch ms or RFC 3339; a fixed number of decimals per field.
import CRivulet
import Foundation

/// A sink's choices for writing values (`timestamps:`, `decimals:`). The default writes timestamps as
/// epoch milliseconds and doubles in Swift's shortest round-trip form.
public struct ValueFormat: Sendable, Equatable {
    public enum Timestamps: String, Sendable, CaseIterable {
        case epochMilliseconds = "epoch_ms"
        case rfc3339
    }

    public var timestamps: Timestamps
    /// Fixed decimals for f64 fields, by field index (of the sink's input schema).
    public var decimals: [Int: Int]

    public init(timestamps: Timestamps = .epochMilliseconds, decimals: [Int: Int] = [:]) {
        self.timestamps = timestamps
        self.decimals = decimals
    }

    public static let standard = ValueFormat()

    /// Whether it writes every value as the encoders do by themselves.
    public var isStandard: Bool { timestamps == .epochMilliseconds && decimals.isEmpty }

    /// The text of `value`, of field `field`, when this format writes it differently: the text, and
    /// whether it is a string (JSON quotes it). Nil: the encoder's own way.
    public func text(_ value: rv_field, field: Int) -> (text: String, isString: Bool)? {
        if value.type == FieldType.timestamp.rawValue, timestamps == .rfc3339 { return (RFC3339.format(value.value.i64), true) }
        if value.type == FieldType.f64.rawValue, let n = decimals[field], value.value.f64.isFinite {
            return (String(format: "%.\(n)f", value.value.f64), false)
        }
        return nil
    }
}
