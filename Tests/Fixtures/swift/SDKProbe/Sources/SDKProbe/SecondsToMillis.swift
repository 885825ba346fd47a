// SecondsToMillis: `seconds_to_ms(seconds)`: an event-time extractor from a seconds field (a Swift function).
import RivuletPluginKit

/// Seconds (f64) since the epoch to a timestamp in ms; a negative time fails that record only.
enum SecondsToMillis: RivuletFunction {
    static let name = "seconds_to_ms"
    static let argumentKinds = [FieldKind.f64]
    static let resultKind = FieldKind.timestamp

    static func call(_ arguments: [FieldInput]) throws -> FieldValue {
        guard let seconds = arguments[0].double else { throw RecordError(index: 0, "seconds_to_ms: no seconds") }
        guard seconds >= 0 else { throw RecordError(index: 0, "seconds_to_ms: negative time \(seconds)") }
        return .timestamp(Int64((seconds * 1000).rounded()))
    }
}
