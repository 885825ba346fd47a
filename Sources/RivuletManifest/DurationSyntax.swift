// DurationSyntax: reads durations written as `500ms`, `2s`, `1m`, `1h`, `1d` (or plain milliseconds, which the manifest refuses but 0).
import Foundation

/// Parses the duration syntax of manifests into milliseconds.
enum DurationSyntax {
    /// The longest duration accepted: 100 years of 365.25 days (keeps window arithmetic far from overflow).
    static let maximum: Int64 = 3_155_760_000_000

    /// Units and their length in milliseconds, longest suffix first so that `ms` is not read as `m` + `s`.
    static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Milliseconds for `text` (`10s`, `1500ms`, `2m`, `1.5s`, or a plain integer meaning ms); nil if
    /// malformed, negative or not a whole number of milliseconds.
    static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = NumberSyntax.integer(trimmed) { return plain >= 0 ? plain : nil }
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
            if let whole = Int64(number), whole >= 0 {
                let (product, overflow) = whole.multipliedReportingOverflow(by: unit.milliseconds)
                return overflow ? nil : product
            }
            if let fraction = Double(number), fraction >= 0, fraction.isFinite {
                let ms = fraction * Double(unit.milliseconds)
                return ms == ms.rounded() && ms < 9e18 ? Int64(ms) : nil
            }
            return nil
        }
        return nil
    }
}
